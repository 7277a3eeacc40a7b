//! Mainland China mobile numbers (11 digits starting with 1[3-9]).

use std::fmt;

/// A mainland mobile number. Can only hold a valid value: parse, don't validate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts `13812345678`, also written with spaces or dashes, or with a
    /// `+86` / `86` prefix; returns the bare 11 digits.
    pub fn parse(raw: &str) -> Option<Phone> {
        let digits: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| (digits.len() == 13).then(|| digits.strip_prefix("86")).flatten())
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        let ok = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
        ok.then(|| Phone(digits.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****1234` — what people who do not need the number see (PIPL).
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Masks the middle four digits of an 11-digit number; anything else is
/// masked except its last two characters.
pub fn mask_phone(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    if chars.len() == 11 {
        format!(
            "{}****{}",
            chars[..3].iter().collect::<String>(),
            chars[7..].iter().collect::<String>()
        )
    } else {
        let keep = chars.len().min(2);
        let hidden = chars.len() - keep;
        format!("{}{}", "*".repeat(hidden), chars[hidden..].iter().collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_common_spellings() {
        for raw in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+8613812345678",
            "8613812345678",
        ] {
            assert_eq!(Phone::parse(raw).map(|p| p.0), Some("13812345678".to_owned()), "{raw}");
        }
    }

    #[test]
    fn rejects_invalid() {
        for raw in [
            "",
            "12812345678",
            "1381234567",
            "138123456789",
            "1381234567a",
            "23812345678",
            "+1 2025550123",
        ] {
            assert!(Phone::parse(raw).is_none(), "{raw}");
        }
    }

    #[test]
    fn masks_middle_digits() {
        assert_eq!(
            Phone::parse("13812341234").map(|p| p.masked()),
            Some("138****1234".into())
        );
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone(""), "");
    }

    proptest! {
        #[test]
        fn parsed_numbers_round_trip(n in 13_000_000_000_u64..=19_999_999_999_u64) {
            let s = n.to_string();
            let p = Phone::parse(&s).expect("valid by construction");
            prop_assert_eq!(p.as_str(), s.as_str());
            prop_assert_eq!(p.masked().len(), 11);
        }
    }
}
