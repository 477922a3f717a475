"""Word lists of the demo app-store reviews: English templates and titles, and phrases in three other languages."""

from __future__ import annotations

REVIEW_SLOTS: dict[str, tuple[str, ...]] = {
    "days": ("three days", "a week", "two weeks", "10 days"),
    "fast": ("within an hour", "the same day", "in minutes"),
    "times": ("twice", "three times", "several times"),
    "device": ("iPhone", "iPad", "Pixel", "Galaxy", "laptop"),
    "place": ("on flights", "on the subway", "in the field", "on the train"),
    "awesome": ("awesome", "amazing", "great", "excellent", "fantastic"),
}

REVIEW_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "ease_of_use": {
        "pos": (
            "so easy to use",
            "super intuitive, I was set up in minutes",
            "simple and straightforward, even my parents could use it",
            "everything just makes sense, love it",
        ),
        "neg": (
            "confusing to navigate",
            "way too complicated for simple tasks, frustrating",
            "I can never find anything, so annoying",
        ),
        "title_pos": ("So easy to use", "Simple and intuitive", "Easiest app ever"),
        "title_neg": ("Confusing", "Too complicated"),
    },
    "design": {
        "pos": (
            "beautiful design",
            "clean, modern interface",
            "the dark mode looks {awesome}",
            "love the new look",
            "the design is {awesome}, every screen feels polished",
        ),
        "neg": ("the design feels dated and ugly", "cluttered screens everywhere", "tiny fonts and ugly icons"),
        "title_pos": ("Beautiful app", "Love the design", "Gorgeous"),
        "title_neg": ("Looks outdated", "Ugly redesign"),
    },
    "sync": {
        "pos": (
            "sync between my phone and laptop is instant",
            "offline mode works perfectly {place}",
            "syncs flawlessly across all my devices",
            "offline mode is a lifesaver {place}",
        ),
        "neg": (
            "sync is unreliable, I lost my changes {times}",
            "offline mode barely works",
            "no real offline mode, useless {place}",
            "changes take forever to sync between my {device} and my laptop, really annoying",
            "sync conflicts every single day",
            "offline mode keeps losing my edits",
        ),
        "title_pos": ("Sync just works", "Great offline mode"),
        "title_neg": ("Sync is broken", "Offline mode is useless", "Lost my data"),
    },
    "support": {
        "pos": (
            "support answered {fast}",
            "customer support is excellent",
            "the support team fixed my problem {fast}",
        ),
        "neg": (
            "customer support never replies, terrible",
            "emailed support {times}, no answer after {days}",
            "support just sends useless canned responses",
            "customer support is awful and impossible to reach",
        ),
        "title_pos": ("Great support", "Support team rocks"),
        "title_neg": ("Terrible support", "Support never answers"),
    },
    "price": {
        "pos": ("great value for the price", "the free tier is generous", "worth the subscription"),
        "neg": (
            "way too expensive, not worth it",
            "the subscription price keeps going up",
            "too many features locked behind the paywall",
        ),
        "title_pos": ("Worth it", "Great value"),
        "title_neg": ("Too expensive", "Overpriced"),
    },
    "performance": {
        "pos": ("fast and snappy, great", "loads instantly", "runs smoothly even on my old {device}"),
        "neg": ("painfully slow to load", "laggy on my {device}", "takes ages to open, frustrating"),
        "title_pos": ("Fast!", "Smooth and quick"),
        "title_neg": ("So slow", "Laggy"),
    },
    "notifications": {
        "pos": ("the reminders are really helpful", "notifications are spot on"),
        "neg": ("way too many notifications", "notifications arrive hours late, useless"),
        "title_pos": ("Helpful reminders",),
        "title_neg": ("Notification spam",),
    },
    "crashes": {
        "neg": (
            "crashes constantly, so frustrating",
            "keeps crashing since the last update",
            "crashes every time I open it",
            "a horrible buggy mess after the update",
            "the latest update broke everything, it crashes on launch",
        ),
        "title_neg": ("Crashes constantly", "Broken after update", "Keeps crashing"),
    },
    "templates": {
        "pos": ("the templates save me so much time", "love the ready-made templates", "great templates to start from"),
        "title_pos": ("Love the templates",),
    },
    "learning_curve": {
        "neg": (
            "powerful but it takes weeks to learn",
            "so many features it's overwhelming",
            "steep learning curve, the menus are endless",
        ),
        "title_neg": ("Steep learning curve", "Overwhelming"),
    },
    "ads": {
        "neg": (
            "annoying ads everywhere",
            "constant upsell pop-ups for premium",
            "it asks me to upgrade every five minutes",
        ),
        "title_neg": ("Too many ads", "Stop the upsell pop-ups"),
    },
    "login": {
        "neg": (
            "keeps logging me out, so annoying",
            "two-factor login fails half the time",
            "I can't log in after the update",
        ),
        "title_neg": ("Login problems", "Keeps logging me out"),
    },
    "battery": {
        "neg": (
            "drains my battery, terrible",
            "my phone gets hot when the app is open",
            "kills my battery in a few hours",
        ),
        "title_neg": ("Battery drain", "Battery killer"),
    },
    "privacy": {
        "neg": ("asks for way too many permissions", "why does it need my location all the time?"),
        "title_neg": ("Privacy concerns", "Too many permissions"),
    },
}

REVIEW_GENERIC_TITLES: dict[int, tuple[str, ...]] = {
    5: ("Great app", "Love it", "Five stars", "Perfect", "Best in class"),
    4: ("Very good", "Really good app", "Almost perfect", "Solid"),
    3: ("Mixed feelings", "Good but...", "Could be better", "Okay"),
    2: ("Disappointed", "Not great", "Needs work"),
    1: ("Avoid", "Waste of money", "Terrible", "Very disappointed"),
}
REVIEW_CLOSERS: dict[int, tuple[str, ...]] = {
    5: (
        "Highly recommend!",
        "Best app in its category.",
        "Five stars from me.",
        "Switched from {other} and never looked back.",
    ),
    4: ("Overall very happy.", "Would recommend.", "Nearly perfect."),
    3: ("It's okay for now.", "Hope they fix it.", "Still looking at {other}."),
    2: ("Thinking about switching to {other}.", "Not worth the money right now."),
    1: ("Uninstalling.", "Avoid.", "Going back to {other}.", "Deleted it."),
}
REVIEW_FILLER: dict[str, tuple[str, ...]] = {
    "pos": ("love this app", "great app overall", "really useful app", "I use it every day"),
    "neg": ("it's just not reliable", "not worth the money", "it keeps getting worse", "nothing works as it should"),
}
REVIEW_SHORT: dict[int, tuple[str, ...]] = {
    5: ("Great app", "Love it!", "Perfect", "Excellent 👍", "Best app ever"),
    4: ("Good app", "Nice", "Pretty good", "Works well"),
    3: ("ok", "Okay", "meh", "fine I guess"),
    2: ("Not great", "meh", "Buggy"),
    1: ("Useless", "Terrible", "Waste of time", "Rubbish"),
}
FOREIGN: dict[str, dict[str, dict[str, str]]] = {
    "es": {
        "ease_of_use": {"pos": "Muy fácil de usar", "neg": "Es muy complicada de usar"},
        "design": {"pos": "El diseño es precioso", "neg": "El diseño está anticuado"},
        "sync": {"pos": "La sincronización funciona perfecto", "neg": "La sincronización falla constantemente"},
        "support": {
            "pos": "El soporte respondió muy rápido",
            "neg": "El servicio de atención al cliente nunca responde",
        },
        "price": {"pos": "Buena relación calidad-precio", "neg": "Demasiado cara"},
        "performance": {"pos": "Rápida y fluida", "neg": "Va muy lenta"},
        "crashes": {"neg": "Se cierra sola desde la última actualización"},
        "generic": {
            "5": "¡Excelente aplicación!", "4": "Muy buena app", "3": "Está bien", "2": "No me convence",
            "1": "Horrible, no la recomiendo",
        },
        "title": {"5": "Excelente", "4": "Muy buena", "3": "Regular", "2": "Decepcionante", "1": "Pésima"},
    },
    "de": {
        "ease_of_use": {"pos": "Sehr einfach zu bedienen", "neg": "Viel zu kompliziert"},
        "design": {"pos": "Schönes Design", "neg": "Das Design wirkt veraltet"},
        "sync": {"pos": "Die Synchronisierung klappt super", "neg": "Die Synchronisierung funktioniert ständig nicht"},
        "support": {"pos": "Der Support hat schnell geholfen", "neg": "Der Kundenservice antwortet nie"},
        "price": {"pos": "Gutes Preis-Leistungs-Verhältnis", "neg": "Viel zu teuer"},
        "performance": {"pos": "Schnell und flüssig", "neg": "Sehr langsam"},
        "crashes": {"neg": "Stürzt seit dem letzten Update ständig ab"},
        "generic": {
            "5": "Super App!", "4": "Gute App", "3": "Ganz okay", "2": "Nicht überzeugend",
            "1": "Katastrophe, nicht empfehlenswert",
        },
        "title": {"5": "Super", "4": "Gut", "3": "Geht so", "2": "Enttäuschend", "1": "Finger weg"},
    },
    "fr": {
        "ease_of_use": {"pos": "Très facile à utiliser", "neg": "Beaucoup trop compliqué"},
        "design": {"pos": "Le design est superbe", "neg": "Le design est vieillot"},
        "sync": {"pos": "La synchronisation marche parfaitement", "neg": "La synchronisation ne fonctionne jamais"},
        "support": {"pos": "Le support a répondu très vite", "neg": "Le service client ne répond jamais"},
        "price": {"pos": "Bon rapport qualité-prix", "neg": "Beaucoup trop cher"},
        "performance": {"pos": "Rapide et fluide", "neg": "Très lent"},
        "crashes": {"neg": "Plante sans arrêt depuis la dernière mise à jour"},
        "generic": {
            "5": "Excellente application !", "4": "Bonne appli", "3": "Correct", "2": "Pas convaincu",
            "1": "Nul, à éviter",
        },
        "title": {"5": "Excellent", "4": "Bien", "3": "Moyen", "2": "Décevant", "1": "À éviter"},
    },
}
