"""Invented reports for the story tests: three outlets reword one event (a bridge opened in the
fictional village of Al-Sanabel), a fourth report is about something else. Every name, place
and figure here is made up."""

from __future__ import annotations

from datetime import UTC, datetime

from index.models import ArticleIn

BRIDGE_DAY = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)

BRIDGE = [
    ArticleIn(
        title="افتتاح جسر وادي الريحان في قرية السنابل",
        text=(
            "افتتح محافظ إقليم الندى الخيالي جسر وادي الريحان في قرية السنابل صباح الثلاثاء، "
            "بطول أربعمئة متر وبتكلفة بلغت ثلاثين مليون دينار.\n"
            "وقال المحافظ إن الجسر يختصر الطريق بين السنابل وسوق المدينة إلى عشر دقائق، "
            "وإن العمل فيه استمر عامين."
        ),
        source="صحيفة الفجر",
        url="https://alfajr.example/bridge",
        published=BRIDGE_DAY,
        guid="fajr-bridge",
    ),
    ArticleIn(
        title="جسر جديد يختصر الطريق إلى سوق المدينة",
        text=(
            "افتتح محافظ إقليم الندى الخيالي صباح الثلاثاء جسر وادي الريحان في قرية السنابل، "
            "بطول أربعمئة متر وبتكلفة بلغت ثلاثين مليون دينار.\n"
            "وأوضح المحافظ أن الجسر يختصر الطريق بين السنابل وسوق المدينة إلى عشر دقائق، "
            "مشيرًا إلى أن العمل فيه استمر عامين."
        ),
        source="جريدة الندى",
        url="https://alnada.example/news/77",
        published=datetime(2031, 3, 4, 13, 30, tzinfo=UTC),
        guid="nada-77",
    ),
    ArticleIn(
        title="المحافظ يفتتح جسر وادي الريحان",
        text=(
            "افتتح محافظ إقليم الندى الخيالي أمس جسر وادي الريحان في قرية السنابل، بطول "
            "أربعمئة متر وبتكلفة ثلاثين مليون دينار.\n"
            "وقال المحافظ إن الجسر يختصر الطريق بين السنابل وسوق المدينة إلى عشر دقائق بعد "
            "عامين من العمل."
        ),
        source="وكالة السهل",
        url="https://sahl.example/a/3",
        published=datetime(2031, 3, 5, 7, 0, tzinfo=UTC),
        guid="sahl-3",
    ),
]

OTHER = ArticleIn(
    title="مهرجان للتمور في بلدة النخيل",
    text=(
        "بدأ في بلدة النخيل الخيالية مهرجان التمور السنوي بمشاركة مئة مزارع، ويستمر أسبوعًا.\n"
        "وعرض المزارعون أصنافًا نادرة من التمور، وأقيمت مسابقة لأجود إنتاج."
    ),
    source="صحيفة الفجر",
    url="https://alfajr.example/dates",
    published=BRIDGE_DAY,
    guid="fajr-dates",
)


# A seed file whose words fit a follow-up about Daraa («وين فرت القيادات العسكرية؟») as well as
# the seed article does, and, asked alone, better: a follow-up must be answered from the story
# the chat was just shown. (The Al-Anad base and Lahij are real places; the report is invented.)
FLED_SEED = (
    "yemen.txt",
    "---\ntitle: فرار قيادات عسكرية من قاعدة العند\npublished: 2015-08-03\n---\n"
    "فرت قيادات عسكرية وأمنية بارزة من قاعدة العند باتجاه صنعاء، تاركين خلفهم معدات "
    "عسكرية ضخمة، بعد تقدم المقاومة الشعبية في لحج. وفرت القيادات العسكرية من قاعدة "
    "العند بعد معارك عنيفة.\n",
)
FOLLOW_UP = ("شو صار بدرعا؟", "وين فرت القيادات العسكرية؟")
