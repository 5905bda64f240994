//! `rapport recommend` (being built).

use clap::Args;
use rapport::{Error, Result};

use super::InputArgs;

#[derive(Args)]
pub(crate) struct RecommendArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
}

pub(crate) fn run(args: RecommendArgs) -> Result<()> {
    let _ = args.input;
    Err(Error::MissingData("rapport recommend is not built yet".into()))
}
