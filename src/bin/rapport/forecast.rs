//! `rapport forecast` (being built).

use clap::Args;
use rapport::{Error, Result};

use super::InputArgs;

#[derive(Args)]
pub(crate) struct ForecastArgs {
    #[command(flatten)]
    pub(crate) input: InputArgs,
}

pub(crate) fn run(args: ForecastArgs) -> Result<()> {
    let _ = args.input;
    Err(Error::MissingData("rapport forecast is not built yet".into()))
}
