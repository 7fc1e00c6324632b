//! The registry charts' descriptions and axes in the page's language: the catalogue's words behind the research
//! crate's [`ChartWords`], so that a Spanish page's charts read in Spanish to a screen reader too.

use ketapath_research::svg::ChartWords;

use crate::i18n::Tr;

impl ChartWords for Tr {
    fn response_intro(&self) -> String {
        self.m("chart-response-intro")
    }

    fn response_week(&self, week: u32, rate: &str, low: &str, high: &str, successes: u64, n: u64) -> String {
        self.a(
            "chart-response-week",
            [
                ("week", week.to_string()),
                ("rate", rate.to_owned()),
                ("low", low.to_owned()),
                ("high", high.to_owned()),
                ("successes", successes.to_string()),
                ("n", n.to_string()),
            ],
        )
    }

    fn week_not_shown(&self, week: u32, threshold: u64) -> String {
        self.a("chart-week-not-shown", [("week", week.to_string()), ("threshold", threshold.to_string())])
    }

    fn response_axis(&self) -> String {
        self.m("chart-response-axis")
    }

    fn km_intro(&self) -> String {
        self.m("chart-km-intro")
    }

    fn km_step(&self, time: &str, rate: &str, at_risk: u64, events: u64, censored: u64) -> String {
        self.a(
            "chart-km-step",
            [
                ("time", time.to_owned()),
                ("rate", rate.to_owned()),
                ("at_risk", at_risk.to_string()),
                ("events", events.to_string()),
                ("censored", censored.to_string()),
            ],
        )
    }

    fn km_axis(&self) -> String {
        self.m("chart-km-axis")
    }
}

#[cfg(test)]
mod tests {
    use ketapath_research::svg::{ChartWords, English};

    use crate::i18n::Lang;

    /// Every sentence the charts can say, with sample figures.
    fn sentences(words: &dyn ChartWords) -> Vec<String> {
        vec![
            words.response_intro(),
            words.response_week(3, "40%", "22%", "61%", 8, 20),
            words.week_not_shown(2, 11),
            words.response_axis(),
            words.km_intro(),
            words.km_step("3.5", "58%", 6, 2, 1),
            words.km_axis(),
        ]
    }

    #[test]
    fn the_english_catalogue_says_what_the_charts_say_in_english() {
        assert_eq!(sentences(&Lang::En.tr()), sentences(&English));
    }

    #[test]
    fn the_spanish_charts_say_every_sentence_in_spanish_with_the_same_figures() {
        let english = sentences(&English);
        let spanish = sentences(&Lang::Es.tr());
        for (es, en) in spanish.iter().zip(&english) {
            assert_ne!(es, en, "still English: {es}");
        }
        assert!(spanish[1].contains("Semana 3") && spanish[1].contains("40%") && spanish[1].contains("8 de 20"));
        assert!(spanish[5].contains("3.5") && spanish[5].contains("58%") && spanish[5].contains("en riesgo 6"));
    }
}
