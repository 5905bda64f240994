//! `rapport clv` (being built).

use clap::Args;
use rapport::{Error, Result};

use super::InputArgs;

#[derive(Args)]
pub(crate) struct ClvArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
}

pub(crate) fn run(args: ClvArgs) -> Result<()> {
    let _ = args.input;
    Err(Error::MissingData("rapport clv is not built yet".into()))
}
