//! Globs (`*` any run, `?` one character) over whole ids: DAG ids, container names.
//! Shared by the config and the app join, so both read a glob alike.

/// Whether `text` matches `pattern` (`*` any run, `?` one character); linear in
/// practice (backtracks to the last `*` only), so a hostile glob cannot stall a poll.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || *c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_ids() {
        assert!(glob("etl_*", "etl_daily"));
        assert!(glob("*", ""));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(!glob("etl_*", "x_etl_daily"));
        assert!(glob("*_daily", "etl_daily"));
        assert!(glob("*a*b*", "xxaxxbxx"));
        assert!(!glob("*a*b", "xxaxxbxx"));
        let long = "a".repeat(5000);
        assert!(!glob("*a*a*a*a*a*a*c", &long));
    }
}
