//! The web app in a real browser (headless Chromium): first-run setup, sign-in, a
//! Directory search with two filters and a facet, a profile with its charts drawn, a
//! list, and an import with bad lines whose rejects are downloaded, a quote judged on
//! the profile, and the planner's comparison and a plan. Every step saves a
//! screenshot under `$CARGO_TARGET_TMPDIR/browser/marketer/` (and `browser/campaign/`).

use serde_json::json;

use crate::cdp::Browser;
use crate::server::Server;

#[test]
fn a_marketer_sets_up_searches_saves_a_channel_and_imports_a_file_in_the_browser() {
    let server = Server::demo(800);
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser").join("marketer");
    let _ = std::fs::remove_dir_all(&shots);
    let mut b = Browser::launch(&shots);
    let base = server.base.clone();

    // First run: any page leads to the admin setup, which needs the code `clout serve`
    // printed on its terminal.
    b.goto(&format!("{base}/"));
    assert!(b.url().ends_with("/setup"), "{}", b.url());
    b.fill("input[name=setup_code]", "0000-0000-0000-0000-0000");
    b.fill("input[name=username]", "ada");
    b.fill("input[name=password]", "correct horse battery");
    b.fill("input[name=password2]", "correct horse battery");
    b.navigate_by("document.querySelector('#setup-form').submit()");
    assert!(b.text("p.error").contains("setup code"), "{}", b.text("p.error"));
    b.fill("input[name=setup_code]", &server.setup_code());
    b.fill("input[name=password]", "correct horse battery");
    b.fill("input[name=password2]", "correct horse battery");
    b.screenshot("setup");
    b.navigate_by("document.querySelector('#setup-form').submit()");
    assert!(b.url().ends_with("/directory"), "{}", b.url());
    assert_eq!(b.text(".who"), "ada · admin");

    // Sign out, then sign in again.
    b.navigate_by("document.querySelector('form.signout').submit()");
    assert!(b.url().contains("/login"), "{}", b.url());
    b.fill("#login-form input[name=username]", "ada");
    b.fill("#login-form input[name=password]", "wrong password");
    b.navigate_by("document.querySelector('#login-form').submit()");
    assert_eq!(b.text("p.error"), "wrong username or password");
    b.fill("#login-form input[name=password]", "correct horse battery");
    b.screenshot("login");
    b.navigate_by("document.querySelector('#login-form').submit()");
    assert!(b.url().ends_with("/directory"), "{}", b.url());
    let everything: u64 = b.text("#total").replace(',', "").parse().unwrap();
    assert_eq!(everything, 800);

    // The Directory: the Instagram facet, the micro tier and an engagement floor.
    b.eval("document.querySelector('input[name=platform][value=instagram]').click()");
    b.eval("document.querySelector('input[name=tier][value=micro]').click()");
    b.fill("input[name=min_er]", "1");
    b.navigate_by("document.querySelector('#search-button').click()");
    let url = b.url();
    assert!(
        url.contains("platform=instagram") && url.contains("tier=micro") && url.contains("min_er=1"),
        "the URL holds the query: {url}"
    );
    let total: u64 = b.text("#total").replace(',', "").parse().unwrap();
    assert!(total > 0 && total < everything, "{total}");
    let facet: u64 = b.text("[data-facet=platform][data-value=instagram]").replace(',', "").parse().unwrap();
    assert_eq!(facet, total, "the checked facet's count is the total");
    // The other platforms stay listed, counted under the rest of the query, to widen the search.
    assert!(b.count("[data-facet=platform]") >= 2, "other platforms stay visible");
    let tiktok: u64 = b.text("[data-facet=platform][data-value=tiktok]").replace(',', "").parse().unwrap();
    assert!(tiktok > 0);
    let rows = b.count("tr.result");
    assert!(rows > 0);
    assert_eq!(
        b.count("tr.result[data-platform=instagram][data-tier=micro]"),
        rows,
        "every row satisfies both filters"
    );
    let rates =
        b.eval("[...document.querySelectorAll('tr.result td:nth-child(5)')].map(td => parseFloat(td.textContent))");
    assert!(rates.as_array().unwrap().iter().all(|r| r.as_f64().unwrap() >= 1.0), "{rates}");
    // Niches read as the taxonomy names them ("Beauty & makeup", capitalised); the URL and
    // the checkbox keep the id ("beauty").
    let niches = b.eval(
        "[...document.querySelectorAll('[data-facet=niche]')].map(c => [c.dataset.value, c.parentElement.querySelector('span').textContent])",
    );
    let niches = niches.as_array().unwrap();
    assert!(!niches.is_empty(), "a niche facet");
    for pair in niches {
        let (id, label) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        assert!(
            label.starts_with(|c: char| c.is_uppercase()) && id.starts_with(|c: char| c.is_lowercase()),
            "{id}: {label}"
        );
    }
    b.screenshot("directory");
    // The same URL, opened afresh, gives the same page: a search can be shared.
    let first = b.text("tr.result .channel-link");
    b.goto(&url);
    assert_eq!(b.text("tr.result .channel-link"), first);

    // A profile with its charts drawn.
    b.navigate_by("document.querySelector('tr.result .channel-link').click()");
    assert!(b.url().contains("/channels/instagram/"), "{}", b.url());
    assert!(b.count("#chart-engagement svg circle") >= 5, "post points on the engagement chart");
    assert!(b.count("#chart-engagement svg rect") >= 1, "the window is shaded");
    assert!(b.count("#chart-followers svg polyline, #chart-followers svg path") >= 1, "the follower line");
    assert!(b.count("#chart-peers svg rect") >= 10, "the peer histogram's bars");
    assert!(
        b.count("#chart-peers svg polyline, #chart-peers svg path, #chart-peers svg line") >= 1,
        "the channel's marker"
    );
    assert_eq!(b.text("#tier"), "micro");
    assert!(b.count("details.metric") >= 10, "a card per metric");
    // Expanding a card shows its formula and provenance.
    b.eval("document.querySelector('#metric-engagement_rate').open = true");
    let card = b.text("#metric-engagement_rate dl");
    assert!(card.contains("likes + comments + shares") && card.contains("derived"), "{card}");
    assert!(b.text("#quality h2").starts_with("Audience quality"));
    let score: f64 = b.text("#quality-score").parse().unwrap();
    assert!((0.0..=100.0).contains(&score));
    // The price panel: a range per deliverable with expected results, and a quote judged.
    assert_eq!(b.count("#price-table tr.price"), 4);
    assert!(b.text("#price-table tr.price[data-deliverable=post]").contains("USD"));
    b.screenshot("profile");
    let profile_url = b.url();
    b.fill("#quote", "1000000");
    b.navigate_by("document.querySelector('#quote-form').submit()");
    assert!(b.url().contains("quote=1000000"), "{}", b.url());
    assert!(b.text("#quote-verdict").contains(": high"), "{}", b.text("#quote-verdict"));
    let handle = profile_url.rsplit('/').next().unwrap().to_string();

    // A list, and the channel saved into it with a note.
    b.goto(&format!("{base}/lists"));
    b.fill("#new-list input[name=name]", "Spring vegan launch");
    b.navigate_by("document.querySelector('#new-list').submit()");
    assert_eq!(b.count("tr.member"), 0);
    b.goto(&profile_url);
    b.fill("#add-to-list input[name=note]", "asked for rates");
    b.navigate_by("document.querySelector('#add-to-list').submit()");
    assert!(b.url().contains("/lists/"), "{}", b.url());
    assert_eq!(b.count("tr.member"), 1);
    assert!(b.text("tr.member").contains(&handle));
    assert_eq!(b.eval("document.querySelector('tr.member .note input[name=note]').value"), json!("asked for rates"));
    let csv = b.eval("fetch(document.querySelector('#export-csv').href).then(r => r.text())");
    assert!(csv.as_str().unwrap().contains(&format!("instagram,{handle},")), "{csv}");
    b.screenshot("list");

    // Lookalikes: a table with the Directory's columns, sorted by a column on request, and
    // two of them added to the list in one go.
    b.goto(&profile_url);
    let lookalikes = b.count("tr.lookalike");
    assert!(lookalikes >= 2, "{lookalikes}");
    let header = b.text("#lookalike-table thead");
    for column in ["Followers", "Engagement", "Audience quality", "Country", "Similarity"] {
        assert!(header.contains(column), "{header}");
    }
    b.goto(&format!("{profile_url}?lookalikes=followers"));
    let followers = b.eval(
        "[...document.querySelectorAll('tr.lookalike td[data-value]:nth-of-type(3)')].map(td => Number(td.dataset.value))",
    );
    let followers: Vec<f64> = followers.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(followers.windows(2).all(|w| w[0] >= w[1]), "largest first: {followers:?}");
    let picked = b.eval(
        "[...document.querySelectorAll('tr.lookalike')].slice(0, 2).map(tr => { tr.querySelector('input[type=checkbox]').checked = true; return tr.dataset.handle; })",
    );
    b.navigate_by("document.querySelector('#lookalikes-form').submit()");
    assert!(b.url().contains("/lists/"), "{}", b.url());
    assert_eq!(b.count("tr.member"), 3, "the channel and two lookalikes");
    let members = b.text("#members");
    for h in picked.as_array().unwrap() {
        assert!(members.contains(h.as_str().unwrap()), "{members}");
    }
    // The first creator kept its note: ticking a creator never wipes one.
    assert_eq!(b.eval("document.querySelector('tr.member .note input[name=note]').value"), json!("asked for rates"));
    // A note edited in place.
    b.eval("document.querySelector('tr.member .note input[name=note]').value = 'rates in, 250 a post'");
    b.navigate_by("document.querySelector('tr.member .note-form').submit()");
    assert_eq!(
        b.eval("document.querySelector('tr.member .note input[name=note]').value"),
        json!("rates in, 250 a post")
    );
    assert_eq!(b.count("tr.member"), 3);
    // Totals: the three channels' followers added up.
    let followers = b.eval(
        "Promise.all([...document.querySelectorAll('tr.member a')].map(a => fetch('/api/v1' + a.getAttribute('href')).then(r => r.json()).then(c => c.followers))).then(f => f.reduce((x, y) => x + y, 0))",
    );
    let shown = b.text("#list-followers").replace(',', "");
    assert_eq!(shown, followers.as_u64().unwrap().to_string());
    // A campaign with these creators as prospects.
    b.fill("#campaign-from-list input[name=budget]", "1500");
    b.navigate_by("document.querySelector('#campaign-from-list').submit()");
    assert!(b.url().contains("/campaigns/"), "{}", b.url());
    assert_eq!(b.count("tr.campaign-member[data-stage=prospect]"), 3);

    // An import with bad lines; the rejects are listed and downloaded.
    let good = r#"{"kind":"channel","platform":"tiktok","handle":"plantchef","followers":3000,"observed_at":"2026-11-20T12:00:00Z"}"#;
    let bad =
        r#"{"kind":"channel","platform":"myspace","handle":"old","followers":10,"observed_at":"2026-11-20T12:00:00Z"}"#;
    let file = server.dir.write("upload.ndjson", &format!("{good}\n{bad}\n{{broken\n"));
    b.goto(&format!("{base}/imports"));
    b.set_file("#file", &file);
    b.navigate_by("document.querySelector('#upload-form').submit()");
    assert!(b.url().contains("/imports/"), "{}", b.url());
    assert_eq!(b.text("#accepted"), "1");
    assert_eq!(b.text("#rejected"), "2");
    assert_eq!(b.count("tr.reject"), 2);
    let reasons = b.eval("[...document.querySelectorAll('tr.reject .reason')].map(td => td.textContent)");
    assert!(reasons.as_array().unwrap().iter().all(|r| !r.as_str().unwrap().is_empty()));
    let rejects = b.eval("fetch(document.querySelector('a.rejects-download').href).then(r => r.text())");
    assert_eq!(rejects, json!(format!("{bad}\n{{broken\n")), "the rejects come back verbatim");
    b.screenshot("import");

    // The planner: the comparison with its chart, then a plan alone within constraints.
    b.goto(&format!("{base}/plan"));
    b.fill("#budget", "10000");
    b.eval("document.querySelector('#niche').value = 'fitness'");
    b.navigate_by("document.querySelector('#plan-form').submit()");
    assert!(b.url().contains("budget=10000") && b.url().contains("compare=true"), "{}", b.url());
    assert_eq!(b.count("#comparison-table td[data-creators]"), 3, "{}", b.text("main"));
    assert!(b.count("#chart-comparison svg rect") >= 6, "bars for three scenarios in two panels");
    let per_unit = b.eval("[...document.querySelectorAll('td.per-unit')].map(td => td.dataset.value)");
    assert_eq!(per_unit.as_array().map(Vec::len), Some(3), "{per_unit}");
    let costs = b.eval("[...document.querySelectorAll('td[data-cost]')].map(td => Number(td.dataset.cost))");
    assert!(costs.as_array().unwrap().iter().all(|c| c.as_f64().unwrap() <= 1_000_000.0), "{costs}");
    b.screenshot("plan");
    b.fill("#budget", "2000");
    b.eval("document.querySelector('#compare').checked = false");
    b.fill("#max-creators", "4");
    b.navigate_by("document.querySelector('#plan-form').submit()");
    let prices = b.eval("[...document.querySelectorAll('tr.pick')].map(tr => Number(tr.dataset.price))");
    let prices: Vec<f64> = prices.as_array().unwrap().iter().map(|p| p.as_f64().unwrap()).collect();
    assert!((1..=4).contains(&prices.len()), "{prices:?}");
    assert!(prices.iter().sum::<f64>() <= 200_000.0, "{prices:?}");
    assert!(b.text("#plan-totals").contains("P10 / P50 / P90"));
    for name in ["01-setup", "02-login", "03-directory", "04-profile", "05-list", "06-import", "07-plan"] {
        assert!(shots.join(format!("{name}.png")).is_file(), "{name}.png");
    }
}

/// A demo world of 800 channels served, a browser whose screenshots go to
/// `$CARGO_TARGET_TMPDIR/browser/NAME/` (emptied first), and the first admin, `ada`,
/// set up with the code the server printed and signed in.
pub(crate) fn signed_in_on_the_demo(name: &str) -> (Server, Browser, std::path::PathBuf) {
    let server = Server::demo(800);
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser").join(name);
    let _ = std::fs::remove_dir_all(&shots);
    let mut b = Browser::launch(&shots);
    b.goto(&format!("{}/", server.base));
    b.fill("input[name=setup_code]", &server.setup_code());
    b.fill("input[name=username]", "ada");
    b.fill("input[name=password]", "correct horse battery");
    b.fill("input[name=password2]", "correct horse battery");
    b.navigate_by("document.querySelector('#setup-form').submit()");
    assert!(b.url().ends_with("/directory"), "{}", b.url());
    (server, b, shots)
}

#[test]
fn a_marketer_runs_a_campaign_from_a_plan_to_its_report_in_the_browser() {
    let (server, mut b, _) = signed_in_on_the_demo("campaign");
    let base = server.base.clone();

    // A plan alone (no comparison), then a campaign from it.
    b.goto(&format!("{base}/plan?budget=3000&niche=fitness&max_creators=4"));
    let picks = b.count("tr.pick");
    assert!((1..=4).contains(&picks), "{picks}");
    b.fill("#plan-campaign-name", "Winter push");
    b.navigate_by("document.querySelector('#campaign-from-plan').submit()");
    assert!(b.url().contains("/campaigns/"), "{}", b.url());
    let campaign_url = b.url();
    // The plan's niche is the campaign's, by its name.
    assert_eq!(b.text("#campaign-goal"), "engagements · Fitness");
    assert_eq!(b.count("tr.campaign-member"), picks);
    assert_eq!(b.count("tr.campaign-member[data-stage=prospect]"), picks);

    // The first creator: a fee, then contracted.
    let handle = b.eval("document.querySelector('tr.campaign-member').dataset.handle").as_str().unwrap().to_string();
    b.eval("document.querySelector('tr.campaign-member .fee-form input[name=fee]').value = '250.00'");
    b.navigate_by("document.querySelector('tr.campaign-member .fee-form').submit()");
    b.eval("document.querySelector('tr.campaign-member .stage-form select').value = 'contracted'");
    b.navigate_by("document.querySelector('tr.campaign-member .stage-form').submit()");
    assert_eq!(b.eval("document.querySelector('tr.campaign-member').dataset.stage"), json!("contracted"));
    assert_eq!(b.eval("document.querySelector('#total-cost').dataset.minor"), json!("25000"));
    assert!(b.text("#history").contains("→ contracted by ada"), "{}", b.text("#history"));

    // A deliverable linked to one of the creator's posts; the report counts it.
    b.navigate_by("document.querySelector('#add-deliverable').submit()");
    assert_eq!(b.count("tr.deliverable[data-status=planned]"), 1);
    let platform = b.eval("document.querySelector('#add-deliverable select[name=channel]').value.split('/')[0]");
    let platform = platform.as_str().unwrap().to_string();
    let post = b.eval(&format!(
        "fetch('/api/v1/channels/{platform}/{handle}').then(r => r.json()).then(p => p.window_posts[0].post_id)"
    ));
    b.eval(&format!("document.querySelector('tr.deliverable .link-form input[name=post]').value = {post}"));
    b.navigate_by("document.querySelector('tr.deliverable .link-form').submit()");
    assert_eq!(b.count("tr.deliverable[data-status=delivered]"), 1);
    assert_eq!(b.text("#total-delivered"), "1 of 1");
    let engagements: u64 =
        b.eval("document.querySelector('#total-engagements').dataset.value").as_str().unwrap().parse().unwrap();
    assert!(engagements > 0);
    assert!(b.count("#chart-timeline svg circle") >= 1, "the results over time");
    assert!(!b.text("tr.deliverable td.disclosure").is_empty());
    let csv = b.eval("fetch(document.querySelector('#report-csv').href).then(r => r.text())");
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("platform,handle,stage,fee,currency"), "{csv}");
    assert!(csv.contains(&format!("{platform},{handle},contracted,250.00,USD")), "{csv}");
    b.screenshot("campaign");
    // The brief is edited on the page.
    b.eval("document.querySelector('#brief-form input[name=budget]').value = '3500.00'");
    b.navigate_by("document.querySelector('#brief-form').submit()");
    assert_eq!(b.text("#total-left"), "3,250.00", "3,500 − 250");
    b.goto(&format!("{campaign_url}/print"));
    assert!(b.text("h1").ends_with("campaign report"));
    assert_eq!(b.text("#total-delivered"), "1 of 1");
    // The report a client reads lists the creators the campaign works with (the contracted
    // one), not the prospects' rows of zeros; every creator is one click away.
    assert_eq!(b.count("tr.report-member"), 1);
    assert_eq!(b.eval("document.querySelector('tr.report-member').dataset.handle"), json!(handle));
    if picks > 1 {
        let hidden = b.text("#report-hidden");
        let noun = if picks == 2 { "creator" } else { "creators" };
        assert!(hidden.starts_with(&format!("{} {noun} not yet contracted", picks - 1)), "{hidden}");
    }
    b.screenshot("print");
    b.goto(&format!("{campaign_url}/print?all=1"));
    assert_eq!(b.count("tr.report-member"), picks);

    // The campaigns index says where it stands: no dates, so running; 250 of 3,500 spent
    // (7 %); the creators by stage; the one deliverable delivered.
    b.goto(&format!("{base}/campaigns"));
    assert_eq!(b.text("tr.campaign .status"), "running");
    assert_eq!(b.text("tr.campaign .spent"), "250.00 of 3,500.00 USD (7 %)");
    let stages = b.text("tr.campaign .stages");
    let expected = if picks == 1 {
        "1: 1 contracted".to_string()
    } else {
        format!("{picks}: {} prospect, 1 contracted", picks - 1)
    };
    assert_eq!(stages, expected);
    assert_eq!(b.text("tr.campaign .delivered"), "1 of 1");
    b.screenshot("campaigns");
    b.goto(&format!("{campaign_url}/print"));

    // The creator's relationship: a note on the profile, and the campaign it is in.
    b.goto(&format!("{base}/channels/{platform}/{handle}"));
    assert!(b.text("#creator-campaigns").contains("Winter push (contracted)"));
    b.fill("#note-body", "Wants the brief by Friday");
    b.navigate_by("document.querySelector('#note-form').submit()");
    assert!(b.text("#notes").contains("Wants the brief by Friday"), "{}", b.text("#notes"));
    b.screenshot("relationship");
}
