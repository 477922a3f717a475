"""Word lists of the demo NPS survey: the slots of its templates and the phrases of every theme."""

from __future__ import annotations

SURVEY_SLOTS: dict[str, tuple[str, ...]] = {
    "product": ("Acme", "the platform", "the tool", "the product"),
    "very": ("very", "really", "super", "incredibly", "so"),
    "great": ("great", "excellent", "fantastic", "really good", "top notch", "brilliant"),
    "short_time": ("a day", "two days", "an afternoon", "less than a week"),
    "rep": ("Maria", "Tom", "Priya", "Kenji", "Lucas", "Sarah", "Ahmed", "Julia"),
    "fast_time": ("an hour", "a couple of hours", "a few hours", "a day"),
    "fast_adv": ("in minutes", "the same day", "within an hour", "right away"),
    "slow_time": ("days", "three days", "almost a week", "over 48 hours", "two weeks"),
    "integration": ("Salesforce", "Slack", "HubSpot", "Zendesk"),
    "crm": ("Salesforce", "HubSpot"),
    "wish_integration": ("HubSpot", "Microsoft Teams", "Jira", "Intercom"),
    "secs": ("10", "15", "20", "30", "45"),
    "n_rows": ("10,000", "50,000", "100,000"),
    "many": ("a few thousand", "10,000", "50,000"),
    "version": ("4.0", "latest", "last", "October"),
    "pct": ("30%", "25%", "almost 30%", "a third"),
    "pct_num": ("30%", "25%", "35%"),
    "when": ("last month", "this quarter", "in the last billing cycle", "twice this year"),
    "again": ("again", "for the third time", "twice in a row"),
    "team": ("my team", "our team", "the whole team", "our analysts"),
    "boss": ("my boss", "our CEO", "the exec team", "my manager"),
    "too_much": ("way too much", "too steep", "a shock", "hard to swallow"),
    "alternative": ("alternatives", "other tools", "competitors"),
    "segment": ("region", "plan", "team"),
    "clean": ("clean", "simple", "uncluttered", "modern"),
}

SURVEY_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "ease_of_use": {
        "pos": (
            "{product} is {very} easy to use",
            "the interface is {clean} and intuitive",
            "{team} picked it up in {short_time} without any training",
            "everything is where you expect it to be, love it",
            "it's {very} simple to set up surveys and share results",
            "easy to use, even for the least technical people on {team}",
        ),
        "neg": (
            "the interface is confusing and settings are hard to find",
            "too many clicks to do simple things, it's exhausting",
            "the new navigation is confusing",
            "it takes forever to figure out where things live, really frustrating",
            "it's awkward and not intuitive at all for new users",
        ),
    },
    "support": {
        "pos": (
            "support always responds within {fast_time}",
            "{rep} from support was {great} and fixed my issue {fast_adv}",
            "the support team is {great}",
            "customer support is fast and actually knows the product",
            "support gets back to us {fast_adv}, every time",
        ),
        "neg": (
            "support takes {slow_time} to reply, which is unacceptable",
            "I waited {slow_time} for an answer from support, terrible service",
            "customer support response time is terrible",
            "our support tickets sit unanswered for {slow_time}, very frustrating",
            "support keeps sending useless canned answers",
            "it's impossible to reach a human in support, awful experience",
        ),
    },
    "pricing": {
        "pos": (
            "good value for the money",
            "pricing is fair for what you get",
            "it's worth every penny",
            "the price is fair and reasonable for a team our size",
        ),
        "neg": (
            "it's too expensive for a small team, sadly",
            "the per-seat pricing adds up quickly and hurts small teams",
            "pricing is ridiculous compared to {alternative}",
            "the price is hard to justify for what we use",
        ),
    },
    "pricing_increase": {
        "neg": (
            "the price increase in {pc_month} was {too_much}",
            "you raised prices by {pct} and we got nothing new, disappointing",
            "the new pricing is hard to justify to our finance team",
            "after the ridiculous price increase we are evaluating {alternative}",
            "a {pct_num} price increase with one month's notice is unacceptable",
            "the new pricing doubled our bill for the same seats, a terrible move",
        ),
    },
    "reporting": {
        "pos": (
            "the dashboards are {great}",
            "reporting is {great} and saves me hours every week",
            "I love the new dashboard builder",
            "the weekly report is exactly what {boss} wants to see",
            "reports and dashboards make it easy to share results",
        ),
        "neg": (
            "the dashboards are too limited",
            "I can't build the reports I need, which is frustrating",
            "reporting is poor and lacks basic filters like breaking results down by {segment}",
            "custom dashboards are clunky and painful to build",
            "charts can't be shared with people outside the account",
        ),
    },
    "integrations": {
        "pos": (
            "the {integration} integration works seamlessly",
            "I love getting the alerts in Slack",
            "connecting {integration} was easy and took five minutes",
            "the Salesforce and Slack integrations save us a lot of time",
        ),
        "neg": (
            "the {integration} integration keeps disconnecting, so annoying",
            "the {crm} integration is broken for our custom fields",
            "Slack notifications stopped working {when}",
            "the lack of a {wish_integration} integration is a real problem",
            "setting up the {integration} integration was a painful nightmare",
        ),
    },
    "performance": {
        "pos": (
            "it's fast even with large accounts",
            "pages load quickly, great performance",
            "performance has improved a lot lately",
        ),
        "neg": (
            "pages are painfully slow to load",
            "dashboards take {secs} seconds to load, which is frustrating",
            "it gets awfully slow once you have more than {many} responses",
            "loading times are painfully slow",
            "constant spinners and timeouts, terrible performance",
        ),
    },
    "onboarding": {
        "pos": (
            "onboarding was smooth",
            "the onboarding call with {rep} was {great}",
            "we were up and running in {short_time}",
            "the setup guide made getting started easy",
        ),
        "neg": (
            "onboarding was rushed and poor, we were left on our own",
            "the setup took far longer than promised",
            "there is no proper onboarding for new team members",
            "the getting-started docs are outdated and confusing",
        ),
    },
    "mobile_app": {
        "pos": (
            "the mobile app is great for checking results on the go",
            "I like having the mobile app for quick checks",
            "the iOS app is nicely done",
        ),
        "neg": (
            "the mobile app is missing half the features",
            "the mobile app is disappointing compared to the web version",
            "the Android app feels like an afterthought",
            "annoyingly, I can't edit anything from the mobile app",
        ),
    },
    "billing": {
        "pos": (
            "billing is straightforward",
            "invoices are clear and always on time",
        ),
        "neg": (
            "we were charged twice {when}",
            "our invoice was wrong {again}",
            "billing charged us for seats we had removed",
            "there are billing errors every other month",
            "it took {slow_time} to get a refund for a double charge, infuriating",
        ),
    },
    "data_export": {
        "pos": (
            "exporting to Excel is easy",
            "the CSV export is great for our own analysis",
            "I love that I can export all my data at any time",
        ),
        "neg": (
            "data export is limited to {n_rows} rows",
            "exports fail for large accounts",
            "there's no way to export the raw data with all fields",
            "the CSV export breaks special characters",
        ),
    },
    "crash": {
        "neg": (
            "the mobile app keeps crashing since the latest update, so frustrating",
            "since the {version} update the app crashes on launch, awful",
            "I get sync errors every time I open the app",
            "I keep getting sync errors after the update",
            "the app crashes whenever I open a dashboard on my phone",
            "changes made on my phone don't sync anymore",
            "constant crashes and sync errors since the {version} update",
        ),
    },
}

SURVEY_GENERIC: dict[str, tuple[str, ...]] = {
    "promoter": (
        "Great product!",
        "Love it.",
        "Does exactly what we need.",
        "Best tool we've used for this.",
        "Keep up the good work!",
        "Works great.",
    ),
    "passive": ("It's okay.", "Does the job.", "Decent, nothing special.", "Fine for now.", "Some good, some bad."),
    "detractor": ("Not worth it.", "Disappointed overall.", "Too many issues.", "We are looking at other tools."),
}
PROMOTER_OPENERS = ("Love it! ", "Great tool. ", "Big fan. ", "Honestly great. ")
PASSIVE_OPENERS = ("good product but", "solid tool, but", "mostly happy, but", "it does the job, but")
DETRACTOR_CLOSERS = ("Please fix this.", "Very frustrating.", "We are looking at alternatives.", "Not happy.")
