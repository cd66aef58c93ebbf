use super::*;

#[track_caller]
fn check(raw: &str, expect: Result<&str, InvalidHandle>) {
    assert_eq!(Handle::parse(raw).as_ref().map(Handle::as_str), expect.as_deref());
}

#[test]
fn a_leading_at_and_capitals_do_not_change_the_identity() {
    check("@VeganVibes", Ok("veganvibes"));
    check("veganvibes", Ok("veganvibes"));
    check("  @Vegan.Vibes_2 ", Ok("vegan.vibes_2"));
}

#[test]
fn only_one_leading_at_is_removed() {
    check("@@odd", Ok("@odd"));
}

#[test]
fn empty_and_spaced_handles_are_refused() {
    check("", Err(InvalidHandle::Empty));
    check("@", Err(InvalidHandle::Empty));
    check("two words", Err(InvalidHandle::Whitespace));
    check(&"a".repeat(201), Err(InvalidHandle::TooLong));
}
