//! Masking personal names for people who do not need them (PIPL art. 25).

/// `张三` → `张*`, `欧阳娜娜` → `欧***`, `Li Lei` → `L*****`. Keeps the first character.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name(""), "");
    }
}
