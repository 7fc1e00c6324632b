//! Steps of a journey as a person takes them: answer a question by the text of its label, press a button by its
//! text, follow a link, read what the page says in order. Everything is found by what is shown on screen (label
//! text, legend, button text), never by form field names or CSS classes, so the journeys keep working when the
//! markup changes and fail when a control has no accessible name. All steps work with scripts disabled: they use
//! WebDriver's native clicks and keys, and forms submit as plain HTML forms.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::elements::Element;

use crate::harness::{Browser, Res};

/// Quotes `text` as an XPath 1.0 string literal, whatever quotes it holds.
pub fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// The one element `xpath` matches; an error names what was looked for when there is none or more than one.
async fn one(browser: &Browser, xpath: &str, what: &str) -> Res<Element> {
    let mut found = browser.client.find_all(Locator::XPath(xpath)).await?;
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!("no {what} on {}", current(browser).await).into()),
        n => Err(format!("{n} elements match {what} on {}; the step is ambiguous", current(browser).await).into()),
    }
}

async fn current(browser: &Browser) -> String {
    browser.client.current_url().await.map_or_else(|_| "the current page".to_owned(), |url| url.path().to_owned())
}

/// The form control a `<label>` whose text contains `label` names: through `for`, or the control it wraps.
pub async fn control(browser: &Browser, label: &str) -> Res<Element> {
    let text = xpath_literal(label);
    let xpath = format!("//label[contains(normalize-space(.), {text})]");
    let found = one(browser, &xpath, &format!("label containing {label:?}")).await?;
    match found.attr("for").await? {
        Some(id) => one(browser, &format!("//*[@id={}]", xpath_literal(&id)), &format!("control #{id}")).await,
        None => found
            .find(Locator::XPath(".//input | .//select | .//textarea"))
            .await
            .map_err(|_| format!("label {label:?} has no `for` and wraps no control").into()),
    }
}

/// The control labelled `label` inside the group (a `<fieldset>`) whose legend contains `group`, for forms that
/// repeat a label in several groups (the rows of the antidepressant list).
pub async fn control_in(browser: &Browser, group: &str, label: &str) -> Res<Element> {
    let xpath = format!(
        "//fieldset[legend[contains(normalize-space(.), {})]]//label[contains(normalize-space(.), {})]",
        xpath_literal(group),
        xpath_literal(label)
    );
    let found = one(browser, &xpath, &format!("label {label:?} in {group:?}")).await?;
    let id = found.attr("for").await?.ok_or_else(|| format!("label {label:?} in {group:?} has no `for`"))?;
    one(browser, &format!("//*[@id={}]", xpath_literal(&id)), &format!("control #{id}")).await
}

/// Types `value` into the field labelled `label` within the group whose legend contains `group`.
pub async fn fill_in(browser: &Browser, group: &str, label: &str, value: &str) -> Res<()> {
    let field = control_in(browser, group, label).await?;
    if field.attr("type").await?.as_deref() == Some("datetime-local") {
        // Chromium's date-time field takes keys segment by segment in the locale's order, so the value is set as a
        // picker would set it, with the input event a person's change fires (the session page's script stops
        // moving a field's time to now once it has one).
        let script = "arguments[0].value = arguments[1]; \
                      arguments[0].dispatchEvent(new Event('input', { bubbles: true }));";
        browser.client.execute(script, vec![serde_json::to_value(&field)?, value.into()]).await?;
        return Ok(());
    }
    field.clear().await?;
    field.send_keys(value).await?;
    Ok(())
}

/// Selects `option` in the drop-down labelled `label` within the group whose legend contains `group`.
pub async fn select_in(browser: &Browser, group: &str, label: &str, option: &str) -> Res<()> {
    control_in(browser, group, label).await?.select_by_label(option).await?;
    Ok(())
}

/// Chooses `answer` among the radio buttons of the group (a `<fieldset>`) whose legend contains `question`.
pub async fn choose(browser: &Browser, question: &str, answer: &str) -> Res<()> {
    let group = format!("//fieldset[legend[contains(normalize-space(.), {})]]", xpath_literal(question));
    let option = format!("{group}//label[contains(normalize-space(.), {})]", xpath_literal(answer));
    let label = one(browser, &option, &format!("answer {answer:?} to {question:?}")).await?;
    // Clicking the label selects its radio button, as a person tapping the text would.
    label.click().await?;
    Ok(())
}

/// Ticks (or unticks) the checkbox labelled `label`, whatever its state before.
pub async fn tick(browser: &Browser, label: &str, ticked: bool) -> Res<()> {
    let checkbox = control(browser, label).await?;
    if checkbox.is_selected().await? != ticked {
        checkbox.click().await?;
    }
    Ok(())
}

/// Types `value` into the text field labelled `label`, replacing what it held.
pub async fn fill(browser: &Browser, label: &str, value: &str) -> Res<()> {
    let field = control(browser, label).await?;
    field.clear().await?;
    field.send_keys(value).await?;
    Ok(())
}

/// Selects the option shown as `option` in the drop-down labelled `label`.
pub async fn select(browser: &Browser, label: &str, option: &str) -> Res<()> {
    control(browser, label).await?.select_by_label(option).await?;
    Ok(())
}

/// Presses the button whose text (or value, for `<input type=submit>`) contains `text`, and waits for the page
/// it leads to (every button these journeys press submits a form).
pub async fn press_button(browser: &Browser, text: &str) -> Res<()> {
    let text = xpath_literal(text);
    let xpath = format!(
        "//button[contains(normalize-space(.), {text})] | //input[(@type='submit' or @type='button') and contains(@value, {text})]"
    );
    let button = one(browser, &xpath, &format!("button {text}")).await?;
    click_and_wait(browser, &button).await
}

/// Clicks `element` and waits until the page it leads to has replaced the current one. A form may answer at its
/// own address, so the sign is not a new URL but the old document going stale.
async fn click_and_wait(browser: &Browser, element: &Element) -> Res<()> {
    let old = browser.client.find(Locator::Css("html")).await?;
    element.click().await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match old.tag_name().await {
            Err(error) if error.is_stale_element_reference() => return Ok(()),
            // Chromium sometimes reports the old document's node this way instead of as a stale reference.
            Err(error) if error.to_string().contains("does not belong to the document") => return Ok(()),
            Err(error) => return Err(error.into()),
            Ok(_) if Instant::now() > deadline => return Err("the click led to no new page within 10 s".into()),
            Ok(_) => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
}

/// Follows the link whose text contains `text` within the main content.
pub async fn follow(browser: &Browser, text: &str) -> Res<()> {
    let xpath = format!("//main//a[contains(normalize-space(.), {})]", xpath_literal(text));
    let links = browser.client.find_all(Locator::XPath(&xpath)).await?;
    let link = links.into_iter().next().ok_or_else(|| format!("no link {text:?} in the main content"))?;
    click_and_wait(browser, &link).await
}

/// The visible text of the main content.
pub async fn main_text(browser: &Browser) -> Res<String> {
    Ok(browser.client.find(Locator::Css("main")).await?.text().await?)
}

/// Checks that the main content shows each of `texts`, in this order (for example crisis help, then the result).
pub async fn shows_in_order(browser: &Browser, texts: &[&str]) -> Res<()> {
    let shown = main_text(browser).await?;
    let mut from = 0;
    for text in texts {
        match shown[from..].find(text) {
            Some(at) => from += at + text.len(),
            None if shown.contains(text) => {
                return Err(format!("{text:?} is shown, but not after {:?}: {shown}", &shown[..from]).into());
            }
            None => return Err(format!("{text:?} is not shown in the main content: {shown}").into()),
        }
    }
    Ok(())
}

/// Crisis help comes first: a `tel:988` link inside the main content, above `result_text` in reading order.
pub async fn crisis_help_before(browser: &Browser, result_text: &str) -> Res<()> {
    let call = browser.client.find_all(Locator::Css("main a[href^='tel:988']")).await?;
    let Some(call) = call.into_iter().next() else {
        return Err(format!("no call-988 link in the main content of {}", current(browser).await).into());
    };
    let call = call.text().await?;
    shows_in_order(browser, &[&call, result_text]).await
}

/// The texts of every element `css` matches, in document order (for example the names of listed clinics).
pub async fn texts(browser: &Browser, css: &str) -> Res<Vec<String>> {
    let mut texts = Vec::new();
    for element in browser.client.find_all(Locator::Css(css)).await? {
        texts.push(element.text().await?);
    }
    Ok(texts)
}

#[test]
fn xpath_literals_survive_quotes() {
    assert_eq!(xpath_literal("Yes"), "'Yes'");
    assert_eq!(xpath_literal("I don't know"), "\"I don't know\"");
    assert_eq!(xpath_literal(r#"it's "x""#), r#"concat('it', "'", 's "x"')"#);
}
