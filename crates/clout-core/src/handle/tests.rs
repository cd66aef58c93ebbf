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

#[test]
fn invisible_and_control_characters_are_refused() {
    // Issue 12, finding 8: `healing_ethan\u{200b}` looked exactly like `healing_ethan`.
    for (raw, c) in [
        ("healing_ethan\u{200b}", '\u{200b}'),
        ("nul\u{0}byte", '\u{0}'),
        ("bell\u{7}", '\u{7}'),
        ("evil\u{202e}lmth.exe", '\u{202e}'),
        ("iso\u{2066}late", '\u{2066}'),
        ("\u{feff}bom", '\u{feff}'),
        ("soft\u{ad}hyphen", '\u{ad}'),
        ("join\u{200d}er", '\u{200d}'),
        ("tag\u{e0041}", '\u{e0041}'),
        ("hangul\u{3164}filler", '\u{3164}'),
    ] {
        check(raw, Err(InvalidHandle::Invisible(c)));
    }
    assert_eq!(
        Handle::parse("a\u{200b}").unwrap_err().to_string(),
        "handle contains the invisible or control character U+200B"
    );
    // Visible non-ASCII letters, emoji and a Mastodon address are fine.
    check("José", Ok("josé"));
    check("cook🍳", Ok("cook🍳"));
    check("@ana@mastodon.social", Ok("ana@mastodon.social"));
}

#[test]
fn composed_and_decomposed_spellings_are_one_handle() {
    let nfc = Handle::parse("Jos\u{e9}").unwrap();
    let nfd = Handle::parse("Jose\u{301}").unwrap();
    assert_eq!(nfc, nfd);
    assert_eq!(nfc.as_str(), "jos\u{e9}");
}

#[test]
fn slashes_and_dot_segments_are_refused() {
    for raw in ["a/b", "a\\b", ".", "..", "...", "/"] {
        check(raw, Err(InvalidHandle::Reserved));
    }
    check("a.b", Ok("a.b"));
    check(".hidden", Ok(".hidden"));
}
