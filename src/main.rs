use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ona_connect::cli::Cli::parse();
    let code = ona_connect::run::main(cli);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
