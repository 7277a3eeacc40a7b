//! The password policy (密码强度要求), pure: what makes a password too easy
//! to guess, and the one reason people are told. Strength is estimated by
//! `zxcvbn` (Dropbox's estimator: common-password lists, names, dates,
//! repeats, sequences, keyboard walks), with the person's phone number and
//! name as words an attacker knows.
//!
//! Refused: fewer than [`MIN_CHARS`] characters; the phone number (or its
//! last eight digits) anywhere inside; the name inside; a zxcvbn score
//! below 2 (≤ 10⁶ guesses: `12345678`, `11111111`, `password`, `qwerty123`);
//! and a score of 2 whose strongest pattern is a common password
//! (`password-123`, `woaini1314`). Passphrases such as `linli-demo` or
//! `tea-garden-7`, and eight random letters and digits, pass.

use zxcvbn::Score;
use zxcvbn::feedback::Warning;

/// Shortest password accepted (the request bodies' `length(min = 8)` too).
pub const MIN_CHARS: usize = 8;

code_enum! {
    /// Why a password is refused; `as_str()` is the stable code and the
    /// message key's last part (`field.password.weak.<code>`).
    pub enum Weakness {
        TooShort,
        ContainsPhone,
        ContainsName,
        /// On a list of passwords people use most, or a small change of one.
        Common,
        /// `aaaa`, `1111`, `abcabc`.
        Repeats,
        /// `abcd`, `6543`.
        Sequence,
        /// `qwerty`, `1qaz2wsx`.
        Keyboard,
        /// Dates and years (`19850312`, `2024`).
        Date,
        /// A single word or name.
        Word,
        /// Short and simple in some other way.
        Guessable,
    }
}

/// Checks `password` for the account of `phone` (digits, as stored) and `name`.
pub fn check(password: &str, phone: &str, name: &str) -> Result<(), Weakness> {
    if password.chars().count() < MIN_CHARS {
        return Err(Weakness::TooShort);
    }
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let tail = &digits[digits.len().saturating_sub(8)..];
    if tail.len() >= 8 && password.contains(tail) {
        return Err(Weakness::ContainsPhone);
    }
    let lower = password.to_lowercase();
    let name = name.trim().to_lowercase();
    if name.chars().count() >= 2 && lower.contains(&name) {
        return Err(Weakness::ContainsName);
    }
    let estimate = zxcvbn::zxcvbn(password, &[digits.as_str(), name.as_str()]);
    let warning = estimate.feedback().and_then(|f| f.warning());
    let common = matches!(
        warning,
        Some(
            Warning::ThisIsATop10Password
                | Warning::ThisIsATop100Password
                | Warning::ThisIsACommonPassword
                | Warning::ThisIsSimilarToACommonlyUsedPassword
        )
    );
    match estimate.score() {
        Score::Zero | Score::One => Err(reason(warning)),
        Score::Two if common => Err(Weakness::Common),
        _ => Ok(()),
    }
}

/// zxcvbn's warning, in our words.
fn reason(warning: Option<Warning>) -> Weakness {
    match warning {
        Some(
            Warning::ThisIsATop10Password
            | Warning::ThisIsATop100Password
            | Warning::ThisIsACommonPassword
            | Warning::ThisIsSimilarToACommonlyUsedPassword,
        ) => Weakness::Common,
        Some(Warning::RepeatsLikeAaaAreEasyToGuess | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess) => {
            Weakness::Repeats
        }
        Some(Warning::SequencesLikeAbcAreEasyToGuess) => Weakness::Sequence,
        Some(Warning::StraightRowsOfKeysAreEasyToGuess | Warning::ShortKeyboardPatternsAreEasyToGuess) => {
            Weakness::Keyboard
        }
        Some(Warning::RecentYearsAreEasyToGuess | Warning::DatesAreOftenEasyToGuess) => Weakness::Date,
        Some(
            Warning::AWordByItselfIsEasyToGuess
            | Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
            | Warning::CommonNamesAndSurnamesAreEasyToGuess,
        ) => Weakness::Word,
        None => Weakness::Guessable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHONE: &str = "13900000001";
    const NAME: &str = "王秀英";

    fn why(p: &str) -> Option<Weakness> {
        check(p, PHONE, NAME).err()
    }

    #[test]
    fn the_usual_weak_passwords_are_refused_with_their_reason() {
        assert_eq!(why("1234567"), Some(Weakness::TooShort));
        assert_eq!(why("12345678"), Some(Weakness::Common));
        assert_eq!(why("password"), Some(Weakness::Common));
        assert_eq!(why("password-123"), Some(Weakness::Common));
        assert_eq!(why("woaini1314"), Some(Weakness::Common));
        assert_eq!(why("qwerty123"), Some(Weakness::Common));
        assert_eq!(why("11111111"), Some(Weakness::Repeats));
        assert_eq!(why("abcdefgh"), Some(Weakness::Sequence));
        assert!(why("zhang1985").is_some());
    }

    #[test]
    fn the_phone_number_and_the_name_are_refused_inside_a_password() {
        assert_eq!(why(PHONE), Some(Weakness::ContainsPhone));
        assert_eq!(why("a13900000001b"), Some(Weakness::ContainsPhone));
        assert_eq!(why("x-00000001-y"), Some(Weakness::ContainsPhone));
        assert_eq!(why("我是王秀英abc"), Some(Weakness::ContainsName));
        assert_eq!(check("zhaolei-garden", PHONE, "Zhaolei"), Err(Weakness::ContainsName));
    }

    #[test]
    fn real_passwords_pass() {
        for p in [
            "linli-demo",
            "admin-pass-123",
            "tea-garden-7",
            "x7k9m2pq",
            "Linli2024!",
            "huangshan88",
            "correct horse",
            "我家住在幸福里3号",
        ] {
            assert_eq!(why(p), None, "{p}");
        }
    }
}
