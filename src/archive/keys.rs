//! The Internet Archive keys `--preserve` sends to Save Page Now: from
//! `IA_ACCESS_KEY_ID` and `IA_SECRET_ACCESS_KEY`, else from the `[s3]`
//! section (`access`, `secret`) of the Internet Archive command-line
//! tool's `ia.ini`. This is the only place that file is read. The secret
//! never leaves this module but in the `Authorization` header: [`Keys`]
//! prints as `Keys { access: "…", secret: <hidden> }`.

use std::path::{Path, PathBuf};

/// Where to get keys, for the messages that say they are missing.
pub const HOW_TO_GET_KEYS: &str = "--preserve needs Internet Archive keys: \
    make them at https://archive.org/account/s3.php (a free account), then set \
    IA_ACCESS_KEY_ID and IA_SECRET_ACCESS_KEY (in CI, from the repository's \
    secrets) or run `ia configure`, which writes them to ia.ini";

/// An access key and its secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Keys {
    access: String,
    secret: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("access", &self.access)
            .field("secret", &format_args!("<hidden>"))
            .finish()
    }
}

impl Keys {
    /// Keys from their two parts; `None` when either is blank.
    pub fn new(access: &str, secret: &str) -> Option<Self> {
        let (access, secret) = (access.trim(), secret.trim());
        (!access.is_empty() && !secret.is_empty()).then(|| Self {
            access: access.to_owned(),
            secret: secret.to_owned(),
        })
    }

    /// The access key (not secret: it names the account).
    pub(crate) fn access(&self) -> &str {
        &self.access
    }

    /// The secret, for the `Authorization` header only.
    pub(crate) fn secret(&self) -> &str {
        &self.secret
    }

    /// The keys this environment gives: the two variables when both are
    /// set, else the first `ia.ini` found that has both. `Err` when a file
    /// exists but cannot be read or parsed (with its path), `Ok(None)` when
    /// there are none.
    pub fn find(env: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, String> {
        if let (Some(access), Some(secret)) = (env("IA_ACCESS_KEY_ID"), env("IA_SECRET_ACCESS_KEY"))
        {
            if let Some(keys) = Self::new(&access, &secret) {
                return Ok(Some(keys));
            }
        }
        for path in ia_ini_paths(&env) {
            if !path.is_file() {
                continue;
            }
            if let Some(keys) = Self::from_ia_ini(&path)? {
                return Ok(Some(keys));
            }
        }
        Ok(None)
    }

    /// The `[s3]` keys of an `ia.ini`.
    fn from_ia_ini(path: &Path) -> Result<Option<Self>, String> {
        let ini = ini::Ini::load_from_file(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let Some(s3) = ini.section(Some("s3")) else {
            return Ok(None);
        };
        Ok(match (s3.get("access"), s3.get("secret")) {
            (Some(access), Some(secret)) => Self::new(access, secret),
            _ => None,
        })
    }
}

/// Where the Internet Archive tool keeps `ia.ini`, in the order it looks:
/// `$IA_CONFIG_FILE`, `$XDG_CONFIG_HOME/internetarchive/ia.ini` (or
/// `~/.config/…`), `~/.config/ia.ini`, `~/.ia`.
fn ia_ini_paths(env: &impl Fn(&str) -> Option<String>) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    paths.extend(env("IA_CONFIG_FILE").map(PathBuf::from));
    let home = env("HOME").map(PathBuf::from);
    let config = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    paths.extend(config.map(|c| c.join("internetarchive").join("ia.ini")));
    if let Some(home) = home {
        paths.push(home.join(".config").join("ia.ini"));
        paths.push(home.join(".ia"));
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn keys_come_from_the_environment_then_ia_ini_and_never_print() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap().to_owned();
        let vars = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let find = |vars: &HashMap<String, String>| Keys::find(|k| vars.get(k).cloned());
        let home_only = vars(&[("HOME", &home)]);
        assert_eq!(find(&home_only), Ok(None));
        std::fs::create_dir_all(dir.path().join(".config/internetarchive")).unwrap();
        let ini = dir.path().join(".config/internetarchive/ia.ini");
        std::fs::write(
            &ini,
            "[general]\nscreenname = x\n\n[s3]\naccess = AK\nsecret = SK\n",
        )
        .unwrap();
        let keys = find(&home_only).unwrap().unwrap();
        assert_eq!((keys.access(), keys.secret()), ("AK", "SK"));
        assert!(!format!("{keys:?}").contains("SK"), "{keys:?}");
        let both = vars(&[
            ("HOME", &home),
            ("IA_ACCESS_KEY_ID", "EK"),
            ("IA_SECRET_ACCESS_KEY", "ES"),
        ]);
        assert_eq!(find(&both).unwrap().unwrap().secret(), "ES");
        // One variable alone is not keys: the file answers.
        let half = vars(&[("HOME", &home), ("IA_ACCESS_KEY_ID", "EK")]);
        assert_eq!(find(&half).unwrap().unwrap().access(), "AK");
        std::fs::write(&ini, "[s3]\naccess = AK\n").unwrap();
        assert_eq!(find(&home_only), Ok(None));
        std::fs::write(&ini, "[s3\naccess").unwrap();
        let err = find(&home_only).unwrap_err();
        assert!(err.contains("ia.ini"), "{err}");
    }
}
