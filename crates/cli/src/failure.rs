//! How a command fails: invalid input (exit 2) or a failure at run time (exit 1).

use ketapath_clinical::InvalidInput;

/// A command's failure, carrying its exit code class (the contract is in docs/FORMATS.md, "Exit codes").
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The input or the command line is wrong: exit code 2. The message names the field or line.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Something failed while running: exit code 1.
    #[error("{0:#}")]
    Runtime(#[from] anyhow::Error),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Invalid(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

impl From<InvalidInput> for Failure {
    fn from(err: InvalidInput) -> Self {
        if err.field.is_empty() { Failure::Invalid(err.message) } else { Failure::Invalid(err.to_string()) }
    }
}

pub type CommandResult = Result<(), Failure>;
