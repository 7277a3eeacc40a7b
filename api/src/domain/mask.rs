//! Masking personal names and addresses for people who do not need them
//! (PIPL art. 25).

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

/// A home address down to the place, for someone who follows a neighbour's
/// request (关注) and needs to know it is nearby, not the door:
/// `阳光小区3号楼2单元501` → `阳光小区…`; an address that starts with its
/// numbers (`3号楼2单元501`) → `…`.
pub fn mask_address(address: &str) -> String {
    let place: String = address.trim().chars().take_while(|c| !c.is_ascii_digit()).collect();
    let place: String = place.chars().take(12).collect();
    format!("{}…", place.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_the_place_not_the_door() {
        assert_eq!(mask_address("阳光小区3号楼2单元501"), "阳光小区…");
        assert_eq!(mask_address("3号楼2单元501"), "…");
        assert!(!mask_address("幸福里小区东门旁边的平房12号").contains("12"));
    }

    #[test]
    fn masks_all_but_first_character() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_name(""), "");
    }
}
