//! Account lists: `ACCOUNT...` on the command line or `--from-file PATH`, one account per
//! line (blank lines and surrounding whitespace ignored; `-` reads stdin).

use std::io::Read;
use std::path::PathBuf;

use crate::error::CliError;

/// The accounts a command works on.
#[derive(Debug, Clone, clap::Args)]
pub struct AccountArgs {
    /// The accounts (UserIDs).
    #[arg(value_name = "ACCOUNT", required_unless_present = "from_file")]
    pub accounts: Vec<String>,
    /// Read the accounts from PATH, one per line (blank lines and surrounding whitespace
    /// ignored; "-" reads stdin). Any number of accounts: calls are split into batches of
    /// at most 100.
    #[arg(long, value_name = "PATH", conflicts_with = "accounts")]
    pub from_file: Option<PathBuf>,
}

impl AccountArgs {
    /// The accounts, in order; an empty list is a usage error.
    pub fn load(&self) -> Result<Vec<String>, CliError> {
        let accounts = match &self.from_file {
            None => self.accounts.clone(),
            Some(path) => {
                let text = if path.as_os_str() == "-" {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s).map_err(|e| {
                        CliError::Usage(format!("cannot read the accounts from stdin: {e}"))
                    })?;
                    s
                } else {
                    std::fs::read_to_string(path).map_err(|e| {
                        CliError::Usage(format!("--from-file: cannot read {}: {e}", path.display()))
                    })?
                };
                parse_lines(&text)
            }
        };
        if accounts.is_empty() {
            return Err(CliError::Usage(match &self.from_file {
                Some(p) => format!("--from-file: {} holds no accounts", p.display()),
                None => "no accounts given".to_owned(),
            }));
        }
        if let Some(i) = accounts.iter().position(|a| a.trim().is_empty()) {
            return Err(CliError::Usage(format!(
                "ACCOUNT: must be non-empty, got {:?} (argument {})",
                accounts[i],
                i + 1
            )));
        }
        Ok(accounts)
    }
}

/// One account per line; a UTF-8 byte-order mark, blank lines and surrounding whitespace
/// ignored.
pub fn parse_lines(text: &str) -> Vec<String> {
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_lines;

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_account() {
        assert_eq!(parse_lines("\u{feff}alice\nbob"), ["alice", "bob"]);
    }

    #[test]
    fn blank_lines_and_whitespace_are_ignored() {
        assert_eq!(
            parse_lines("alice\n\n  bob  \r\n\t\ncarol"),
            ["alice", "bob", "carol"]
        );
        assert!(parse_lines("\n \n").is_empty());
    }
}
