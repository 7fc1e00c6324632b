//! Checks of the checks, on small pages given as `data:` URLs: the network log catches a request to another host
//! (and the resolver refuses it), axe-core catches a missing alt text, and the journey steps fill and submit a
//! form by its labels. Without these, a broken instrument would let every page pass.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::audit;
use crate::harness::{Browser, Res, Scripts};
use crate::journey;

fn data_url(html: &str) -> String {
    format!("data:text/html;charset=utf-8,{}", utf8_percent_encode(html, NON_ALPHANUMERIC))
}

/// A page that fetches an image from another host must be reported, and the request must fail.
pub async fn outside_request_is_caught(browser: &Browser) -> Res<()> {
    browser.network().await?;
    let page = r#"<!doctype html><html lang="en"><title>t</title><img alt="x" src="http://example.com/x.png"></html>"#;
    browser.client.goto(&data_url(page)).await?;
    let log = browser.network().await?;
    let outside = log.outside_requests();
    if outside != ["http://example.com/x.png"] {
        return Err(format!("the network log missed the request to example.com: {:?}", log.requests).into());
    }
    if log.failures().iter().all(|(url, _)| *url != "http://example.com/x.png") {
        return Err(format!("a request to example.com did not fail: {:?}", log.requests).into());
    }
    Ok(())
}

/// axe-core must report an image without alternative text.
pub async fn axe_catches_missing_alt(browser: &Browser) -> Res<()> {
    let gif = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=";
    let page =
        format!(r#"<!doctype html><html lang="en"><title>t</title><main><h1>t</h1><img src="{gif}"></main></html>"#);
    browser.client.goto(&data_url(&page)).await?;
    let problems = audit::axe(browser).await?;
    if !problems.iter().any(|problem| problem.contains("image-alt")) {
        return Err(format!("axe-core did not report the missing alt text: {problems:?}").into());
    }
    Ok(())
}

/// The journey steps answer, fill, tick, select and submit by label text, and the form sends what was chosen.
pub async fn journey_steps_fill_a_form(browser: &Browser) -> Res<()> {
    let action = browser.url("/about");
    let form = format!(
        r#"<!doctype html><html lang="en"><title>form</title><main><form action="{action}" method="get">
        <fieldset><legend>Little interest or pleasure in doing things?</legend>
          <label><input type="radio" name="q1" value="0"> Not at all</label>
          <label><input type="radio" name="q1" value="2"> More than half the days</label></fieldset>
        <fieldset><legend>Feeling down, depressed, or hopeless?</legend>
          <label><input type="radio" name="q2" value="0"> Not at all</label>
          <label><input type="radio" name="q2" value="3"> Nearly every day</label></fieldset>
        <label for="zip">ZIP code</label> <input id="zip" name="zip" value="99999">
        <label><input type="checkbox" name="tele" value="yes"> Telehealth</label>
        <label for="lang">Language</label>
        <select id="lang" name="lang"><option value="en">English</option><option value="es">Spanish</option></select>
        <button type="submit">See my summary</button></form></main></html>"#
    );
    browser.client.goto(&data_url(&form)).await?;
    journey::choose(browser, "Little interest", "More than half the days").await?;
    journey::choose(browser, "Feeling down", "Nearly every day").await?;
    if journey::choose(browser, "Feeling down", "Sometimes").await.is_ok() {
        return Err("choosing an answer that is not offered did not fail".into());
    }
    if journey::choose(browser, "", "Not at all").await.is_ok() {
        return Err("an answer that fits two questions was not reported as ambiguous".into());
    }
    let legends = journey::texts(browser, "legend").await?;
    if legends != ["Little interest or pleasure in doing things?", "Feeling down, depressed, or hopeless?"] {
        return Err(format!("the legends read {legends:?}").into());
    }
    journey::fill(browser, "ZIP code", "10001").await?;
    journey::tick(browser, "Telehealth", true).await?;
    journey::select(browser, "Language", "Spanish").await?;
    journey::press_button(browser, "See my summary").await?;
    let sent = browser.client.current_url().await?;
    if sent.path() != "/about" || sent.query() != Some("q1=2&q2=3&zip=10001&tele=yes&lang=es") {
        return Err(format!("the form sent {sent}, not the answers chosen").into());
    }
    journey::shows_in_order(browser, &["ketamine", "esketamine"]).await?;
    if journey::shows_in_order(browser, &["no such text"]).await.is_ok() {
        return Err("a text that is not shown was reported as shown".into());
    }
    Ok(())
}

/// Crisis help above the result passes; the same result with crisis help below it fails.
pub async fn crisis_first_is_enforced(browser: &Browser) -> Res<()> {
    let crisis = r#"<p><a href="tel:988">Call 988</a> now.</p>"#;
    let result = "<h1>Your summary</h1>";
    for (body, should_pass) in [(format!("{crisis}{result}"), true), (format!("{result}{crisis}"), false)] {
        let page = format!(r#"<!doctype html><html lang="en"><title>t</title><main>{body}</main></html>"#);
        browser.client.goto(&data_url(&page)).await?;
        let outcome = journey::crisis_help_before(browser, "Your summary").await;
        if outcome.is_ok() != should_pass {
            return Err(format!("crisis_help_before on {body}: {outcome:?}").into());
        }
    }
    Ok(())
}

/// Every check of the checks that `browser`'s script setting allows.
pub async fn all(browser: &Browser) -> Res<()> {
    outside_request_is_caught(browser).await?;
    if browser.scripts == Scripts::Enabled {
        axe_catches_missing_alt(browser).await?;
    }
    journey_steps_fill_a_form(browser).await?;
    crisis_first_is_enforced(browser).await?;
    // Following a link by its text, on a real page: the home page leads to the about page.
    browser.client.goto(&browser.url("/")).await?;
    journey::follow(browser, "Read how ketamine and esketamine work").await?;
    let reached = browser.client.current_url().await?;
    if reached.path() != "/about" {
        return Err(format!("following the about link reached {reached}").into());
    }
    Ok(())
}
