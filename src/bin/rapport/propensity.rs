//! `rapport propensity` (being built).

use clap::Args;
use rapport::{Error, Result};

use super::InputArgs;

#[derive(Args)]
pub(crate) struct PropensityArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
}

pub(crate) fn run(args: PropensityArgs) -> Result<()> {
    let _ = args.input;
    Err(Error::MissingData("rapport propensity is not built yet".into()))
}
