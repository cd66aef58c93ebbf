//! Every page of the web app, in a real browser, at desktop and at phone width, on the demo
//! world with a list, a saved search, a campaign with a share link, an import with rejects
//! and an API token in it: each page is screenshotted under
//! `$CARGO_TARGET_TMPDIR/browser/tour/` (the other browser tests beside it) and its text checked against the formatting rules
//! a person reading it expects (no raw timestamps or ids, separated numbers, names rather
//! than snake_case, no server paths, no "1 matches"), and a phone never scrolls sideways.
//! On the way, the team features: bulk add from the Directory, a saved search, a plan from
//! a list, a campaign's read-only share link (opened without an account, then revoked),
//! and dates in the account's timezone and the browser's language.

use serde_json::json;

use crate::cdp::Browser;

/// The rules, run in the page over every text node a person can read (not inside `code`,
/// `pre`, `kbd`, `samp`, form fields, or an element marked `.verbatim`: those show what a
/// user or a file wrote, as written). Returns `[rule, text]` for each break.
const CHECK: &str = r#"(() => {
  const out = [];
  const skip = 'code, pre, kbd, samp, script, style, textarea, option, .verbatim';
  const rules = [
    ['raw date or timestamp', /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?\b/],
    ['snake_case id', /(?<![@\/\w.#-])[a-z]+(?:_[a-z0-9]+)+(?![\w\/.])/],
    ['count without separators', /(?<![\w.,:\/#@+-])\d{5,}(?![\d])/],
    ['four digits without separator', /(?<![\w.,:\/#@+-])(?!19\d\d|20\d\d|21\d\d)[1-9]\d{3}(?![\d,])/],
    ['Unix time', /\bUnix (?:days|seconds|time)\b/i],
    ['server path', /clout-data\/|\/tmp\/|\/home\/|\/work\//],
    ['singular count with a plural noun', /(?<![\d.,])\b1 (?:matches|creators|channels|results|records|deliverables|orders|posts|days|members|lists)\b/],
    ['a programming value', /\b(?:NaN|undefined|null|None|inf)\b/],
    ['too many decimals', /\d+\.\d{5,}/],
  ];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent;
    if (!text.trim() || (node.parentElement && node.parentElement.closest(skip))) continue;
    for (const [name, re] of rules) {
      const m = text.match(re);
      if (m) out.push([name, text.trim().slice(0, 120)]);
    }
  }
  return out;
})()"#;

/// The page at `url`, checked and photographed as `name` at the current width.
fn visit(b: &mut Browser, url: &str, name: &str, phone: bool) {
    b.goto(url);
    check_here(b, name, phone);
}

fn check_here(b: &mut Browser, name: &str, phone: bool) {
    let broken = b.eval(CHECK);
    assert_eq!(broken, json!([]), "{name} ({}): formatting rules broken", if phone { "phone" } else { "desktop" });
    if phone {
        // Laid out for the phone's width (not a desktop page shrunk to fit), and never
        // scrolling sideways: wide tables scroll in their box.
        let (scroll, width) = (b.eval("document.documentElement.scrollWidth"), b.eval("window.innerWidth"));
        if width.as_u64().unwrap() > 400 {
            // What sticks out, innermost last, to say what to fix.
            let wide = b.eval(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392 && (!e.parentElement.closest('.table-wrap') || e.matches('.table-wrap'))).map(e => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().width)}`).slice(0, 12)",
            );
            panic!("{name}: laid out {width} px wide on a 390 px phone; too wide: {wide}");
        }
        assert!(
            scroll.as_u64().unwrap() <= width.as_u64().unwrap() + 1,
            "{name}: {scroll} px wide on a {width} px phone"
        );
    }
    b.screenshot(&format!("{}-{name}", if phone { "phone" } else { "desktop" }));
}

#[test]
fn every_page_reads_well_at_desktop_and_phone_width_and_a_client_reads_a_shared_report() {
    let (server, mut b, shots) = crate::browser::signed_in_on_the_demo("tour");
    let base = server.base.clone();

    // A list, filled from the Directory's results in one go.
    b.goto(&format!("{base}/lists"));
    b.fill("#new-list input[name=name]", "Tour picks");
    b.navigate_by("document.querySelector('#new-list').submit()");
    let list_url = b.url();
    b.goto(&format!("{base}/directory?platform=instagram&tier=micro"));
    let ticked = b.eval(
        "[...document.querySelectorAll('tr.result')].slice(0, 6).map(tr => { tr.querySelector('input[type=checkbox]').checked = true; return tr.dataset.handle; })",
    );
    assert_eq!(ticked.as_array().unwrap().len(), 6);
    b.navigate_by("document.querySelector('#bulk-add-button').click()");
    assert_eq!(b.url(), list_url);
    assert_eq!(b.count("tr.member"), 6);
    let members = b.text("#members");
    for h in ticked.as_array().unwrap() {
        assert!(members.contains(h.as_str().unwrap()), "{members}");
    }

    // A saved search: named, listed for the team, marked when it is the search on screen.
    b.goto(&format!("{base}/directory?platform=instagram&tier=micro&offset=20"));
    b.fill("#save-search-name", "Micro Instagram");
    b.navigate_by("document.querySelector('#save-search-button').click()");
    assert!(b.url().ends_with("/directory?platform=instagram&tier=micro"), "saved without the page: {}", b.url());
    assert_eq!(b.text(".saved-search a[aria-current]"), "Micro Instagram");
    b.goto(&format!("{base}/directory"));
    assert_eq!(b.count(".saved-search a[aria-current]"), 0);
    // A search that cannot be read says why, and the saved ones stay at hand.
    b.goto(&format!("{base}/directory?min_er=lots"));
    assert!(b.text("p.error").contains("min_er"), "{}", b.text("p.error"));
    assert_eq!(b.text(".saved-search a"), "Micro Instagram");
    b.goto(&format!("{base}/directory"));
    b.navigate_by("document.querySelector('.saved-search a').click()");
    assert!(b.url().ends_with("/directory?platform=instagram&tier=micro"), "{}", b.url());

    // A facet list longer than its box says so.
    b.goto(&format!("{base}/directory"));
    let cue = b.text("#facet-niche legend .scroll-cue");
    assert!(cue.ends_with("values, scroll for more"), "{cue}");
    let (shown, scroll) = (
        b.eval("document.querySelector('#facet-niche').clientHeight").as_f64().unwrap(),
        b.eval("document.querySelector('#facet-niche').scrollHeight").as_f64().unwrap(),
    );
    assert!(scroll > shown, "the niche facet scrolls ({scroll} in {shown} px)");

    // The engagement-label facet counts like the others: a chosen label's count is the
    // total, and the other labels stay counted under the rest of the query.
    b.goto(&format!("{base}/directory?tier=micro&label=high"));
    let total: u64 = b.text("#total").replace(',', "").parse().unwrap();
    assert!(total > 0);
    let high: u64 = b.text("[data-facet=label][data-value=high]").replace(',', "").parse().unwrap();
    assert_eq!(high, total);
    let good: u64 = b.text("[data-facet=label][data-value=good]").replace(',', "").parse().unwrap();
    assert!(good > 0, "the unchosen labels keep their counts");

    // A plan from the list: only the list's creators are candidates.
    b.goto(&list_url);
    b.fill("#plan-from-list-budget", "1500");
    b.navigate_by("document.querySelector('#plan-from-list').submit()");
    assert!(b.url().contains("list="), "{}", b.url());
    let picked = b.eval("[...document.querySelectorAll('tr.pick a')].map(a => a.textContent.slice(1))");
    let picked: Vec<String> = picked.as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_string()).collect();
    assert!(!picked.is_empty(), "{}", b.text("main"));
    for h in &picked {
        assert!(members.contains(h.as_str()), "{h} is not on the list");
    }
    assert_eq!(b.eval("document.querySelector('#plan-list').selectedOptions[0].textContent"), json!("Tour picks (6)"));

    // A campaign from that plan, one creator contracted at a fee.
    b.fill("#plan-campaign-name", "Tour campaign");
    b.navigate_by("document.querySelector('#campaign-from-plan').submit()");
    let campaign_url = b.url();
    assert!(campaign_url.contains("/campaigns/"), "{campaign_url}");
    b.eval("document.querySelector('tr.campaign-member .fee-form input[name=fee]').value = '1250.00'");
    b.navigate_by("document.querySelector('tr.campaign-member .fee-form').submit()");
    b.eval("document.querySelector('tr.campaign-member .stage-form select').value = 'contracted'");
    b.navigate_by("document.querySelector('tr.campaign-member .stage-form').submit()");

    // A read-only link for the client: shown once, opened without an account.
    b.fill("#new-share-form input[name=days]", "14");
    b.navigate_by("document.querySelector('#new-share-form').submit()");
    let link = b.text("#new-share");
    assert!(link.starts_with(&format!("{base}/share/")), "{link}");
    assert_eq!(b.count("tr.share[data-status=live]"), 1);
    b.goto(&campaign_url);
    assert_eq!(b.count("#new-share"), 0, "the address is shown once");
    let secret = link[link.rfind('/').unwrap() + 1..].to_string();
    assert!(!b.text("body").contains(&secret), "only its first characters are kept");
    assert!(b.text("#share-links").contains(&secret[..8]));
    let mut client = Browser::launch(&shots.join("client"));
    client.goto(&link);
    assert!(client.text("h1").ends_with("campaign report"), "{}", client.text("body"));
    assert_eq!(client.count(".who"), 0, "no account, no menu");
    assert_eq!(client.count("a[href^='/campaigns'], a[href^='/channels']"), 0, "no link into the app");
    assert_eq!(client.count("tr.report-member"), 1, "the contracted creator");
    assert!(client.text("#shared-note").contains("read-only"));
    check_here(&mut client, "shared-report", false);
    // The request log names the link by its first characters, never its secret.
    let logged = server.stderr_line("GET /share/").expect("the request is logged");
    assert!(logged.starts_with(&format!("GET /share/{}… 200", &secret[..8])), "{logged}");
    assert!(!logged.contains(&secret));
    // The client reads the creators the campaign works with, never the whole pipeline.
    client.goto(&format!("{link}?all=1"));
    assert_eq!(client.count("tr.report-member"), 1, "?all=1 shows nothing more on a shared report");
    assert_eq!(client.count("#report-hidden"), 0);

    // Dates in the account's timezone, in the order of the browser's language.
    b.goto(&format!("{base}/account"));
    b.eval("document.querySelector('#timezone').value = 'Europe/Berlin'");
    b.navigate_by("document.querySelector('#timezone-form').submit()");
    assert!(b.text(".flash").contains("Europe/Berlin"), "{}", b.text("main"));
    b.language("en-GB");
    b.goto(&campaign_url);
    let made = b.text("tr.share td:nth-child(3)");
    assert!(made.ends_with(" CET") || made.ends_with(" CEST"), "{made}");
    let day_first = regex_like_day_first(&made);
    assert!(day_first, "en-GB writes the day first: {made}");
    b.language("en-US");
    b.goto(&campaign_url);
    let made = b.text("tr.share td:nth-child(3)");
    assert!(
        made.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && (made.contains(" PM ") || made.contains(" AM ")),
        "en-US writes the month first, on a 12-hour clock: {made}"
    );

    // An import with rejects, and an API token, so their pages have rows.
    let good = r#"{"kind":"channel","platform":"tiktok","handle":"plantchef","followers":3000,"observed_at":"2026-11-20T12:00:00Z"}"#;
    let file = server.dir.write("upload.ndjson", &format!("{good}\n{{broken\n"));
    b.goto(&format!("{base}/imports"));
    b.set_file("#file", &file);
    b.navigate_by("document.querySelector('#upload-form').submit()");
    let import_url = b.url();
    b.goto(&format!("{base}/account"));
    b.fill("#new-token-form input[name=name]", "nightly export");
    b.navigate_by("document.querySelector('#new-token-form').submit()");

    // The tour: every page at both widths.
    b.goto(&list_url);
    let profile = b.eval("document.querySelector('tr.member a').href").as_str().unwrap_or_default().to_string();
    assert!(profile.contains("/channels/"), "{profile}");
    b.goto(&campaign_url);
    b.fill("#new-share-form input[name=days]", "30");
    b.navigate_by("document.querySelector('#new-share-form').submit()");
    let live = b.text("#new-share");
    let pages: Vec<(&str, String)> = vec![
        ("directory", format!("{base}/directory")),
        ("directory-search", format!("{base}/directory?q=vegan&tier=micro&sort=er")),
        ("directory-posted", format!("{base}/directory?posted=%40glowlab&posted_min=2&posted_since=365d")),
        ("posts", format!("{base}/posts?q=%40glowlab&sort=newest")),
        ("posts-sponsored", format!("{base}/posts?q=protein&sponsored=true&since=365d")),
        ("brands", format!("{base}/brands?brand=%40glowlab&vs=%40fitfuel+%40brewhaus&since=365d")),
        ("brief", format!("{base}/brief?q=vegan+home+cooks+in+Australia+who+post+reels+about+budget+meals")),
        ("brief-filters", format!("{base}/brief?q=micro+fitness+creators+on+Instagram+under+20k+followers")),
        ("profile", profile.clone()),
        ("lookalikes-by-followers", format!("{profile}?lookalikes=followers")),
        ("plan-comparison", format!("{base}/plan?budget=10000&niche=fitness&compare=true")),
        ("plan", format!("{base}/plan?budget=2000&max_creators=8&niche=fitness")),
        ("plan-unique-reach", format!("{base}/plan?budget=2000&goal=unique_reach&niche=wellness&platform=instagram")),
        ("lists", format!("{base}/lists")),
        ("list", list_url.clone()),
        ("campaigns", format!("{base}/campaigns")),
        ("campaign", campaign_url.clone()),
        ("campaign-print", format!("{campaign_url}/print?all=1")),
        ("shared", live.clone()),
        ("imports", format!("{base}/imports")),
        ("import", import_url.clone()),
        ("sources", format!("{base}/sources")),
        ("account", format!("{base}/account")),
        ("users", format!("{base}/users")),
        ("not-found", format!("{base}/campaigns/99")),
    ];
    for phone in [false, true] {
        if phone {
            b.viewport(390, 844, true);
        }
        for (name, url) in &pages {
            visit(&mut b, url, name, phone);
        }
        if phone {
            // On a phone the results come before the filters, which are one tap away.
            b.goto(&format!("{base}/directory"));
            let results = b.eval("document.querySelector('#results').getBoundingClientRect().top");
            let filters = b.eval("document.querySelector('#filters').getBoundingClientRect().top");
            assert!(results.as_f64() < filters.as_f64(), "results at {results}, filters at {filters}");
        }
    }

    // Revoked, the link opens nothing, and says so without a hint of what was there.
    b.viewport(1280, 900, false);
    b.goto(&campaign_url);
    b.navigate_by(&format!(
        "[...document.querySelectorAll('tr.share')].find(tr => tr.querySelector('code').textContent.includes('{}')).querySelector('.revoke-share').submit()",
        &secret[..8]
    ));
    assert_eq!(b.count("tr.share[data-status=live]"), 1, "the other link stays live");
    client.goto(&link);
    assert!(client.text("main").contains("unknown, has expired or was revoked"), "{}", client.text("body"));
    assert!(!client.text("body").contains("Tour campaign"));
    // The signed-out pages.
    b.navigate_by("document.querySelector('form.signout').submit()");
    check_here(&mut b, "login", false);
    b.viewport(390, 844, true);
    check_here(&mut b, "login", true);
    let shots_taken = std::fs::read_dir(&shots).unwrap().count();
    assert!(shots_taken >= 2 * pages.len() + 2, "{shots_taken} screenshots");
}

/// `5 Dec 2026, 14:03 CET`: a day number before the month's name.
fn regex_like_day_first(s: &str) -> bool {
    let mut words = s.split_whitespace();
    let (day, month) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    day.parse::<u32>().is_ok() && month.len() == 3 && month.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}
