//! The subcommands: each takes its parsed arguments ([`crate::cli`]),
//! does its work through the library, and hands back what to show,
//! rendered by the report layer. The binary prints it and turns the
//! [`Exit`] into the process's exit code.

pub mod cache;
pub mod check;
pub mod fix;
pub mod history;
pub mod merge;
pub mod output;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at the failing level: 0.
    Clean,
    /// Findings at the failing level: 1.
    Findings,
    /// A usage, configuration or I/O error: 2.
    Trouble,
    /// Interrupted: 130.
    Interrupted,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Clean => 0,
            Self::Findings => 1,
            Self::Trouble => 2,
            Self::Interrupted => 130,
        }
    }
}

impl From<crate::report::Status> for Exit {
    fn from(status: crate::report::Status) -> Self {
        use crate::report::Status;
        match status {
            Status::Clean => Self::Clean,
            Status::Findings => Self::Findings,
            Status::InputError | Status::NoNetwork => Self::Trouble,
            Status::Interrupted => Self::Interrupted,
        }
    }
}

/// Render into a string with a renderer that writes to `impl Write`.
fn to_text(render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}
