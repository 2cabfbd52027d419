//! Zed extension for rollsafe: starts `rollsafe lsp` for SQL files.
//!
//! Zed starts language servers only from extensions. This one installs nothing:
//! it runs the `rollsafe` found on the PATH of the project's shell (as the
//! terminal sees it), so the server is the rollsafe the project uses, and says
//! so plainly when there is none.

use zed_extension_api::{self as zed, Command, LanguageServerId, Result, Worktree};

struct Rollsafe;

impl zed::Extension for Rollsafe {
    fn new() -> Self {
        Rollsafe
    }

    fn language_server_command(
        &mut self,
        _server: &LanguageServerId,
        worktree: &Worktree,
    ) -> Result<Command> {
        let command = worktree.which("rollsafe").ok_or_else(|| {
            "rollsafe is not on the PATH of this project's shell: install it (`cargo install --path .` in \
             rollsafe's repository, or a release binary) and restart the language server"
                .to_owned()
        })?;
        Ok(Command { command, args: vec!["lsp".to_owned()], env: worktree.shell_env() })
    }
}

zed::register_extension!(Rollsafe);
