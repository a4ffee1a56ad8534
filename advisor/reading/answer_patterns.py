"""What people say, per answer: the parser's pattern tables, in one place.

Each `Cue` is a regular expression over normalised text (lowercase, hyphens as
spaces, see `text.normalise`) and the value it means. The engine in
`cue_reader` adds word boundaries and reads the words just before a cue:
- a negation ("not", "isn't", "no", "without", ...) turns the value into
  `negated` (by default: the top of a scale becomes the bottom, e.g.
  "not complex" -> routine; anything else says nothing);
- a partial negation ("not entirely", "not always") or a hedge ("a bit",
  "somewhat", "partly") gives the middle of the scale ("a bit sensitive" ->
  medium, "not entirely routine" -> mixed).
Strength: how sure a cue is (1 = plain; explicit "sensitivity is high" 1.5;
loose single words lower). When a slot gets conflicting values the stronger
one wins only by a clear margin, otherwise the slot's conflict rule applies.

Patterns are written from the concepts in the source and in
docs/scoring-principles.md (rule-based vs judgement work, basic vs technical vs
professional qualifications, distinctive vs operationally critical vs
supporting, the four outsourcing goals), not from test sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.answers import Complexity as X
from advisor.answers import Core as C
from advisor.answers import Goal as G
from advisor.answers import Qualifications as Q
from advisor.answers import Sensitivity as S
from advisor.answers import Slot, values_of

AUTO = "auto"  # use the slot's default negation/hedge rule


@dataclass(frozen=True)
class Cue:
    slot: Slot
    value: str | None  # None: a blocker, consumes the words and means nothing
    pattern: str
    strength: float = 1.0
    negated: str | None = AUTO
    negated_strength: float = 1.0  # relative: a negated cue can be a weaker hint
    contextual: bool = False  # only while its slot's question is open; wins ties


def _cues(slot: Slot, value: str | None, *patterns: str, **options: object) -> list[Cue]:
    return [Cue(slot, value, pattern, **options) for pattern in patterns]  # type: ignore[arg-type]


# --- building blocks -------------------------------------------------------
NEEDS = (
    r"(?:needs?|needed|needing|requires?|required|requiring|demands?|calls? for|takes?|"
    r"involves?|involving|depends? on|relies? on|means)"
)
GAP = r"(?:[\w&']+ ){0,3}"  # up to three arbitrary words

# Words just before a cue that change its meaning (see module docstring).
NEGATORS = (
    r"not|no|never|without|hardly|barely|neither|nor|none|nothing|nobody|"
    r"isn't|isnt|aren't|arent|wasn't|wasnt|don't|dont|doesn't|doesnt|didn't|"
    r"won't|wont|wouldn't|shouldn't|can't|cant|cannot|haven't|hasn't|\w+n't"
)
PARTIAL = (
    r"entirely|fully|completely|always|purely|totally|wholly|exclusively|all|just|only|simply|100%"
)
HEDGES = (
    r"a bit|a little|a little bit|bit|somewhat|slightly|moderately|partly|partially|"
    r"sort of|kind of|kinda|fairly|semi|some|limited|mildly|relatively|reasonably|"
    r"a few|occasionally|sometimes|in parts|to some extent|less|some of (?:it|them|the \w+)|"
    r"part of it|parts of it|a small part"
)
# Hedges that only soften: "fairly complex" is in between, but "fairly routine"
# / "relatively simple" is still routine (the bottom of a scale stays put).
MILD_HEDGES = r"fairly|relatively|reasonably"
INTENSIFIERS = (
    r"very|highly|extremely|really|super|deeply|strictly|totally|absolutely|incredibly|"
    r"hugely|massively|truly|quite|pretty|so|most|much|heavily|genuinely|seriously"
)
# "not sure if it's core": the speaker doesn't know, so the cue says nothing.
UNCERTAIN = (
    r"not sure|unsure|don't know|dont know|do not know|no idea|not certain|"
    r"hard to say|wondering|wonder|whether|if you|what if|depends whether"
)
# "we mainly want to cut costs": marks the main goal among several.
MAIN_MARKERS = (
    r"mainly|mostly|primarily|chiefly|above all|most of all|main|primary|first and foremost|"
    r"most importantly|especially|biggest|number one|#1|top priority|key|really"
)
# Where the scope of a negation or hedge ends.
CLAUSE_BREAK = (
    r"[,.;:!?()]|\b(?:but|and|although|though|however|whereas|while|yet|so|because|since|"
    r"as well as|plus|also)\b"
)

# --- core: how distinctive the process is (Quinn & Hilmer; Lacity et al.) ----
# Negated "distinctive" cues ("not unique") mean "not core", which may still be
# operationally critical, so they are weak hints towards supporting.
_NOT_CORE = {"negated": C.SUPPORTING.value, "negated_strength": 0.5}
CORE_CUES = [
    *_cues(
        Slot.CORE,
        C.CORE.value,
        r"core",
        r"core (?:business|process|processes|activity|activities|function|competenc(?:e|y|ies)|"
        r"capabilit(?:y|ies)|offering|product|service|work|part of (?:our|the) business)",
        r"(?:what|which|that|it|this) (?:makes?|sets?|keeps?) us (?:apart|different|unique|special|"
        r"stand out|competitive|better)",
        r"sets? us apart",
        r"makes? us (?:different|unique|special|stand out|better)",
        r"(?:key |main |biggest |real |our |a )?differentiat(?:or|ors|ion|es|ing)",
        r"(?:clients|customers|people) (?:choose|pick|come to|buy from|hire|prefer) us "
        r"(?:because of|for) (?:it|this)",
        r"distinctive",
        r"distinguish(?:es|ing)? us",
        r"secret sauce",
        r"special sauce",
        r"crown jewels?",
        r"competitive (?:advantage|edge|differentiator)",
        r"(?:edge|advantage) over (?:our |the )?competit\w+",
        r"stands? out",
        r"(?:what|something) (?:we're|we are|we re) (?:known|famous|valued|chosen) for",
        r"(?:known|famous) for",
        r"why (?:clients|customers|people) (?:choose|pick|come to|buy from|hire) us",
        r"(?:our|the) (?:own )?(?:proprietary|special|unique|secret) (?:know how|methods?|"
        r"methodology|"
        r"approach|models?|recipes?|formulas?|technology|algorithms?)",
        r"(?:heart|centre|center|core) of (?:our|the) (?:business|company|offering|value "
        r"proposition|brand)",
        r"(?:heart|centre|center|core) of what we do",
        r"(?:central|key) to (?:what we do|who we are|our "
        r"(?:business|offering|brand|identity|strategy|value proposition|success))",
        r"(?:our|the) (?:main|primary) (?:business|product|service|offering|value)",
        r"primary (?:process|processes|operation|operations|activity|activities|function)",
        r"value proposition",
        r"(?:our|a) usp",
        r"(?:our )?bread and butter",
        r"what (?:our )?(?:customers|clients) pay (?:us )?for",
        r"(?:we do|we're|we are) (?:it |this )?better than (?:anyone|anybody|our competitors|the "
        r"competition|"
        r"everyone|our rivals)(?: else)?",
        r"(?:best|leaders?|leading) in (?:the|our) (?:industry|market|field|sector)",
        **_NOT_CORE,
    ),
    *_cues(
        Slot.CORE,
        C.CORE.value,
        r"unique(?:ly)?",
        r"strategic(?! consult| planning)",
        r"(?:nobody|no one|no other (?:company|firm)) else (?:does|can do|has) (?:it|this)",
        strength=0.8,
        **_NOT_CORE,
    ),
    *_cues(
        Slot.CORE,
        C.SUPPORTING.value,
        r"non ?(?:core|primary|strategic|essential|distinctive)",
        r"noncore",
        r"support(?:ing)? (?:function|functions|process|processes|activity|activities|role|"
        r"service)",
        r"back office(?: (?:work|admin|administration|function|tasks?|stuff|support|operations?))?",
        r"housekeeping",
        r"peripheral",
        r"commodit(?:y|ised|ized)",
        r"secondary",
        r"ancillary",
        r"(?:necessary|needed) evil",
        r"(?:nice|good) to have",
        r"behind the scenes",
        r"(?:every|any) (?:\w+ )?(?:company|firm|business|organi[sz]ation|bank|insurer|retailer|"
        r"hospital|"
        r"shop|store|agency|provider|player|school|manufacturer|employer)s? "
        r"(?:does|has|needs|must do|runs)(?: (?:it|this|one))?",
        r"(?:just|simply|only) (?:needs|has) to (?:get done|be done|happen|work)",
        r"keeps? the lights on",
        r"cost cent(?:re|er)",
        r"(?:dull|boring|tedious) but (?:necessary|needed|essential)",
        r"(?:necessary|needed|required|essential)(?:,)? but not (?:what|something) (?:we're|we "
        r"are|we re) known for",
        r"(?:just|only|purely|mostly|basically) (?:admin|administrative|administration|paperwork)",
        r"(?:admin|administrative) (?:work|tasks?|stuff|function|burden)",
    ),
    *_cues(Slot.CORE, C.SUPPORTING.value, r"generic", r"admin", r"paperwork", strength=0.7),
    *_cues(Slot.CORE, C.SUPPORTING.value, r"necessary", strength=0.6, negated=None),
    # "our competitors do the same": not distinctive, which may still be critical.
    *_cues(
        Slot.CORE,
        C.SUPPORTING.value,
        r"(?:our )?(?:competitors|rivals|everyone else|everybody else|other (?:companies|firms|"
        r"businesses)) "
        r"(?:do|does|have|offer|run) (?:it |this )?(?:exactly |much |pretty much |basically )*the "
        r"same",
        r"(?:everyone|everybody|all (?:our )?competitors|every (?:company|firm)|others)(?: "
        r"(?:else|in (?:our|the) "
        r"(?:industry|sector|market)))? (?:does|do) (?:it|this) (?:the same way|the same|too|as "
        r"well|similarly)",
        strength=0.5,
        negated=None,
    ),
    *_cues(
        Slot.CORE,
        C.IMPORTANT.value,
        r"(?:mission|business|operationally|operation|safety|time|revenue) critical",
        r"(?:critical|essential|vital|crucial|important|key|fundamental|integral) "
        r"(?:to|for) (?:our |the |daily |day to day |"
        r"running |running the )*(?:operations?|business|company|continuity|service|customers|"
        r"clients)",
        r"(?:we|the business|the company|operations)?(?: can't| cannot| couldn't| could not| can "
        r"not) "
        r"(?:run|operate|function|work|survive|do business|live|trade) without (?:it|this|them)",
        r"(?:everything|the business|operations|the company) (?:would |will )?(?:stop|stops|"
        r"grinds? to a halt|"
        r"breaks? down|collapses?)",
        r"(?:backbone|lifeblood) of",
        r"we (?:depend|rely) (?:heavily )?on (?:it|this|them)",
        r"(?:we'd|we would|we'll|we will|we're|we are|the business would|the business is) (?:be "
        r")?(?:in "
        r"(?:big |serious |real )?trouble|lost|stuck|sunk|in a mess) without (?:it|this|them)",
        r"operationally (?:important|essential|vital|crucial)",
        negated=C.SUPPORTING.value,
    ),
    *_cues(
        Slot.CORE,
        C.IMPORTANT.value,
        r"(?:critical|important|essential|vital|crucial)(?:,)? but (?:not|isn't|isnt) (?:really "
        r")?(?:unique|distinctive|"
        r"core|special|a differentiator|what (?:makes|sets) us \w+|what we're known for|strategic|"
        r"what we're about|our core)",
        r"(?:necessary|needed) but (?:not|isn't) (?:unique|distinctive|special)",
        r"(?:critical|important|essential|vital|crucial|necessary)(?:,)? but (?:every|any|all) "
        r"(?:\w+ ){0,2}"
        r"(?:does|do|has|have|needs?|runs?) (?:it|this|one|that|the same)",
        r"(?:critical|important|essential|vital|crucial)(?:,)? but (?:everyone|everybody|(?:all "
        r")?(?:our )?"
        r"(?:competitors|rivals|peers)) (?:does|do|has|have|needs?|runs?) (?:it|this|one|that|the "
        r"same)",
        strength=1.5,
        negated=None,
    ),
    # "it's important" yes, "it's important that we cut costs" / "important to save" no.
    *_cues(
        Slot.CORE,
        C.IMPORTANT.value,
        r"(?:is|it's|its|it is|are|very|really|quite|pretty|absolutely|extremely|highly|super|"
        r"operationally|business) (?:important|critical|essential|vital|crucial)"
        r"(?!\s+(?:(?:to us |for us )?that|to (?!our|the|us\b|operations|business|running|daily|"
        r"day)|for us to))",
        negated=C.SUPPORTING.value,
    ),
]

# --- complexity: rule-based vs judgement work (Aron & Singh 2005; source) ------
_EXPERT_OBJECTS = (
    r"(?:analysis|interpretation|judgement|judgment|thinking|creativity|insight|insights|know how|"
    r"knowledge|understanding|research|problem solving|reasoning|thought|discretion|"
    r"decision making|experience|expertise|skill|specialist knowledge)"
)
COMPLEXITY_CUES = [
    *_cues(
        Slot.COMPLEXITY,
        X.ROUTINE.value,
        r"routine(?:s|ly)?",
        r"rules? based",
        r"rules driven",
        r"repetiti(?:ve|on)",
        r"repeatable",
        r"(?:the )?same (?:thing|things|task|tasks|steps|work|process)(?: (?:every|each|over and "
        r"over|again)\w*)",
        r"(?:the )?same (?:every|each) (?:day|time|week|month|case)",
        r"day in,? day out",
        r"(?:the )?same (?:over and over|again and again)",
        r"scripted",
        r"(?:follows?|following|work from|works from|read from|reads from|stick to|sticks to)"
        r" (?:(?:a|the|our|set|fixed|clear|strict|detailed|standard|written) ){0,2}"
        r"(?:script|scripts|procedure|procedures|checklist|"
        r"checklists|playbook|playbooks|manual|rules|set steps|fixed steps|sops?|guidelines|"
        r"instructions)",
        r"standardi[sz]ed",
        r"standard (?:procedures?|tasks?|work|operating procedures?|process(?:es)?|steps)",
        r"(?:well|clearly|tightly) defined",
        r"(?:well|fully|clearly|properly) documented",
        r"by the book",
        r"volume (?:driven|based|work|heavy)",
        r"high volumes?(?: of)?",
        r"transactional",
        r"clerical",
        r"mechanical",
        r"mundane",
        r"tedious",
        r"monotonous",
        r"predictable",
        r"uncomplicated",
        r"less (?:complex|complicated|specialised|specialized)",
        r"low level",
        r"(?:low|little|minimal) (?:complexity|difficulty)",
        r"(?:is|it's|its|are|pretty|fairly|quite|very|really|relatively|mostly|super|rather|"
        r"totally|"
        r"dead|nothing but|all) (?:simple|easy|basic|straightforward)"
        r"(?! to (?:scale|find|hire|get|switch|change|replace|manage|outsource|say|answer))",
        r"(?:simple|easy|basic|straightforward|repetitive|standard) (?:work|tasks?|stuff|jobs?|"
        r"processes|"
        r"process|activities|operations|procedures|cases)",
        r"(?:can|could) (?:easily |fully |mostly )?be (?:easily |fully |mostly )?"
        r"(?:written down|documented|automated|codified|scripted|"
        r"standardi[sz]ed|measured|checked)",
        r"(?:little|no|not much|minimal|zero|without) (?:real )?(?:thinking|judgement|judgment|"
        r"discretion|"
        r"decision making|analysis)(?: (?:needed|required|involved|necessary))?",
        r"tick(?:ing)? (?:the )?boxes",
        r"box ticking",
        r"copy (?:and )?paste",
        r"(?:from|off|by|using|with|reading) (?:a |the |our )?(?:script|scripts|playbook|template|"
        r"templates)",
        negated=X.EXPERT.value,
        negated_strength=0.6,
    ),
    *_cues(
        Slot.COMPLEXITY,
        X.MIXED.value,
        r"(?:a )?(?:mix|mixture|combination|blend) of " + GAP + r"(?:routine|simple|standard|easy|"
        r"complex|expert|specialist|judgement|judgment|analytical|creative|rule based|scripted|"
        r"repetitive)\w*",
        r"(?:medium|moderate|average|mid|middling|intermediate) (?:complexity|difficulty|level of "
        r"complexity)",
        r"(?:routine|standard|simple|scripted)(?: work| tasks?)? (?:with|plus|and) (?:some |"
        r"occasional |"
        r"a few |the odd )?(?:exceptions|judgement|judgment|complex cases|escalations|edge cases|"
        r"tricky cases)",
        r"(?:some|occasional|a few|the odd|an odd|the occasional|an occasional) (?:exceptions?|"
        r"edge cases?|"
        r"judgement calls?|judgment calls?|escalations?|"
        r"(?:tricky|complex|difficult|hard|unusual|complicated|awkward|non standard|messy|odd) "
        r"[\w']+)",
        r"(?:moderately|somewhat|semi) (?:complex|complicated|routine|technical|specialised|"
        r"specialized)",
        # ("fairly routine" is routine: see MILD_HEDGES)
        r"(?:fairly|relatively|reasonably) (?:complex|complicated|technical|specialised|"
        r"specialized)",
        # "half scripted half real troubleshooting", "part routine, part judgement"
        r"half (?:[\w']+ ){0,2}[\w']+,? (?:and )?half",
        r"part (?:[\w']+ ){0,2}[\w']+,? (?:and )?part",
        r"(?:some days|sometimes) (?:[\w']+ ){0,3}(?:other days|other times|sometimes)",
        # "privilege calls get escalated": the exceptions go to someone with judgement.
        r"(?:get|gets|are|is) escalated",
        strength=1.5,
        negated=None,
    ),
    *_cues(
        Slot.COMPLEXITY,
        X.EXPERT.value,
        r"(?:expert|professional|human|careful|informed|critical|sound|good|independent|specialist|"
        r"seasoned|nuanced|senior) (?:judgement|judgment)",
        r"judg(?:e)?ments?(?: calls?)?",
        r"discretion",
        r"complex(?:ity)?",
        r"complicated",
        r"sophisticated",
        r"intricate",
        r"nuanced",
        r"(?:technically |intellectually )?(?:demanding|challenging)",
        r"(?:is|it's|its|are|pretty|fairly|quite|very|really|super|rather) (?:hard|difficult|"
        r"tough|tricky)"
        r"(?! to (?:find|hire|say|tell|get|scale|manage|recruit|keep|retain|know|replace))",
        r"difficult (?:work|tasks?|cases|problems?)",
        NEEDS
        + (
            r" (?:a lot of |lots of |deep |real |serious |specialist |specialised |specialized "
            r"|expert |"
            r"domain |careful |critical |independent |human |professional |a great deal of |"
            r"considerable )*"
        )
        + _EXPERT_OBJECTS,
        r"analy(?:sis|ses|tical|tic|se|ze|sing|zing)",
        r"interpret(?:ation|ations|ing|ive)?",
        r"(?:critical|analytical|strategic|creative|expert) (?:thinking|analysis|decisions?|"
        r"advice)",
        r"problem solving",
        r"knowledge (?:work|based|intensive|heavy)",
        r"case by case",
        r"think(?:ing)? (?:hard|carefully|deeply|critically)",
        r"(?:use|uses|using) (?:their|your|our) (?:own )?"
        r"(?:judgement|judgment|discretion|expertise|brains?)",
        r"bespoke",
        r"tailor (?:made|ed)",
        r"tailored",
        r"non (?:routine|standard)",
        r"unstructured",
        r"(?:high|significant|great|considerable|a lot of) (?:level of )?(?:complexity|difficulty)",
        r"high level",
        r"(?:deep|domain|subject matter|specialist|specialised|specialized|scientific|"
        r"expert) (?:knowledge|expertise|know how)",
        r"(?:no|not) (?:two|2) (?:cases|clients|projects|jobs|days) (?:are )?(?:the )?(?:same|"
        r"alike)",
        r"every (?:case|client|project|job) is different",
        r"(?:can't|cannot|can not|hard to|difficult to|impossible to|not easy to) (?:really |"
        r"easily )?"
        r"(?:be )?(?:easily )?(?:written down|"
        r"write down|document(?:ed)?|automate(?:d)?|codif(?:y|ied)|script(?:ed)?|"
        r"standardi[sz]e(?:d)?)",
    ),
    *_cues(
        Slot.COMPLEXITY,
        X.EXPERT.value,
        r"experts?(?: level)?",
        r"expertise",
        r"(?:highly |very )?speciali[sz]ed(?: work| tasks?| field)?",
        r"creative|creativity",
        r"ad hoc",
        r"insights?",
        r"rocket science",
        r"brain surgery",
        strength=0.8,
    ),
    *_cues(
        Slot.COMPLEXITY,
        X.ROUTINE.value,
        r"scripts?",
        r"dull",
        r"boring",
        r"simple",
        r"easy",
        strength=0.7,
        negated=X.EXPERT.value,
        negated_strength=0.6,
    ),
]

# --- qualifications: basic / technical / professional (source "Key Point") ----
QUALIFICATION_CUES = [
    *_cues(
        Slot.QUALIFICATIONS,
        Q.BASIC.value,
        r"basic (?:skills?|training|qualifications?|education|knowledge|computer skills|literacy|"
        r"level|"
        r"skill level|staff|workers|people|employees|abilities)",
        r"(?:no|without|not much|little|minimal|zero|doesn't need|don't need|does not need|no "
        r"need for)"
        r"(?: any)? (?:special(?:ist)?|particular|specific|formal|real|prior|previous|relevant|"
        r"specialised|specialized|advanced|professional|technical)? ?(?:skills?|qualifications?|"
        r"training|"
        r"education|experience|background|certifications?|degrees?|credentials)"
        r"(?: (?:needed|required|necessary|is needed|are needed))?",
        r"entry level",
        r"(?:un|low|semi) ?skilled(?: (?:staff|workers|people|labou?r|employees|roles?|jobs?|"
        r"work))?",
        r"low skill",
        r"unqualified",
        r"untrained",
        r"(?:anyone|anybody|most people|any one) (?:can|could) (?:do|learn|handle|pick up) (?:it|"
        r"this|that)",
        r"(?:trained|taught|learn(?:ed|t)?|pick(?:ed)? up) (?:on the job|in (?:a )?(?:few "
        r")?(?:hours|days|"
        r"weeks|a week|a day)|quickly|fast|easily)",
        r"on the job training",
        r"(?:short|little|minimal|brief|some basic) training",
        # A short induction is the mark of basic work; weeks or months of
        # training (technical, below) are not.
        r"(?<!\d )(?:an? |one |two |three |1 |2 |3 |a few |a couple of |couple of |few |several |"
        r"half an? )"
        r"(?:hours?|days?|week|fortnight)(?:'s|')? (?:of )?(?:training|induction|onboarding|"
        r"instruction|shadowing|coaching)",
        r"(?:training|induction|onboarding|learning curve) (?:takes|is|of|lasts) (?:only |just |"
        r"about |around )?"
        r"(?:an? |one |two |three |a few |a couple of |few )?(?:hours?|days?|a day|a week|one "
        r"week|fortnight)",
        r"(?:learn|learnt|learned|pick up|picked up|trained|taught) (?:it |this |that "
        r")?(?:with)?in (?:an? |one |"
        r"two |a few |a couple of )?(?:hours?|days?|a day|a week|fortnight)",
        r"(?:an? |one |a short |a quick )?(?:induction|training) (?:day|session|afternoon|morning|"
        r"course)",
        r"(?:high school|secondary school|ged) (?:diploma|education|graduates?|level|"
        r"qualifications?)",
        r"high school",
        r"secondary school",
        r"school leavers?",
        r"(?:general|generalist|clerical|admin|administrative) (?:staff|workers|employees|clerks?|"
        r"assistants?)",
        r"(?:standard|basic|general|normal|common) (?:office|computer|pc|it) skills",
        r"clerks?",
    ),
    *_cues(
        Slot.QUALIFICATIONS,
        Q.BASIC.value,
        r"junior(?: staff| level| people)?",
        r"(?:typing|communication|language|english|people) skills",
        strength=0.7,
    ),
    *_cues(
        Slot.QUALIFICATIONS,
        Q.TECHNICAL.value,
        r"technical (?:skills?|knowledge|training|background|qualifications?|certifications?|"
        r"certificates?|people|staff|ability|abilities|know how|experience)",
        r"certifi(?:ed|cation|cations|cate|cates)",
        r"certs?",
        r"(?:it|software|systems?|tools?|product|platform|sap|erp|crm|excel|salesforce|computer|"
        r"photoshop|cad|design) (?:skills|"
        r"knowledge|training|certifications?|expertise|experience)",
        r"technicians?",
        r"(?:support |network |software |systems |field |service |it )?engineers?",
        r"skilled (?:workers|staff|people|technicians|labou?r|employees|operators|agents|"
        r"trades?(?:people|men)?)",
        r"vocational",
        r"apprentice(?:ship)?s?",
        r"trade (?:skills|qualifications?|certificates?)",
        r"(?:itil|ccna|comptia|mcse|six sigma|prince2|pmp)(?: certified| certification| "
        r"certifications)?",
        r"(?:microsoft|cisco|aws|azure|google) (?:certified|certification|certifications|"
        r"certificates?|skills)",
        r"special(?:ist|ised|ized)? (?:skills|training|tools|software|equipment)",
        r"(?:specific|particular|proper|formal|some|dedicated) training",
        r"(?:a few|some|couple of|several) (?:weeks|months) (?:of )?(?:training|experience)",
        r"hands on experience",
        r"(?:tech|technically) (?:savvy|skilled|minded)",
        r"(?:coding|programming) (?:skills)?",
        r"(?:know|knows|knowing|knowledge of|good (?:at|in|with)|proficient (?:in|with|at)|"
        r"fluent in|familiar with|"
        r"experience (?:in|with)|trained (?:in|on)) (?:the |our |their )?(?:excel|sap|erp|crm|sql|"
        r"salesforce|photoshop|illustrator|indesign|autocad|cad|figma|tableau|power bi|"
        r"python|java|linux|windows|networks?|networking|servers?|cloud|aws|azure|software|"
        r"systems?|tools?|"
        r"platforms?|databases?|hardware)",
        negated=Q.BASIC.value,
    ),
    *_cues(
        Slot.QUALIFICATIONS,
        Q.TECHNICAL.value,
        r"skilled",
        r"(?:trained|experienced) (?:staff|"
        r"agents|people|"
        r"operators|workers|team)",
        strength=0.8,
        negated=Q.BASIC.value,
    ),
    *_cues(
        Slot.QUALIFICATIONS,
        Q.PROFESSIONAL.value,
        r"professional (?:qualifications?|degrees?|credentials|certifications?|licen[cs]es?|staff|"
        r"people|"
        r"expertise|experts?|background|training|bodies|body)",
        r"professionals",
        r"(?:university |college |advanced |higher |graduate |post ?graduate |master'?s |"
        r"bachelor'?s |relevant |specialist |law |medical |science |finance |accounting |"
        r"engineering )?degrees?",
        r"graduates?",
        r"(?:university|college) (?:educated|level|education|graduates?)",
        r"masters",
        r"mbas?",
        r"ph ?ds?",
        r"doctorates?",
        r"post ?grad\w*",
        r"higher education",
        r"licen[cs]ed(?: professionals?)?",
        r"chartered(?: \w+)?",
        r"certified public accountants?",
        r"cpas?",
        r"cfas?",
        r"accas?",
        r"cima",
        r"actuar(?:y|ies|ial)",
        r"(?:qualified |chartered )?accountants?",
        r"auditors?",
        r"lawyers?",
        r"attorneys?",
        r"solicitors?",
        r"barristers?",
        r"legal counsel",
        r"bar (?:admission|exam|qualified|qualification|licen[cs]e)",
        r"(?:admitted|called) to the bar",
        r"legal (?:professionals?|experts?|qualifications?|training|background)",
        r"doctors?",
        r"physicians?",
        r"clinicians?",
        r"pharmacists?",
        r"nurses?",
        r"(?:medical|healthcare|health care) (?:professionals?|experts?|staff|degree|training)",
        r"scientists?",
        r"researchers?",
        r"economists?",
        r"statisticians?",
        r"mathematicians?",
        r"(?:data |financial |research |investment |equity |credit |business |risk |quantitative |"
        r"quant )?analysts?",
        r"quants?",
        r"consultants?",
        r"architects?",
        r"psychologists?",
        r"subject matter experts?",
        r"highly (?:qualified|skilled|educated|trained|specialised|specialized|experienced)",
        r"(?:well|properly|professionally|fully) qualified",
        r"qualified (?:professionals?|experts?|specialists?|staff|people)",
        r"years of (?:professional |relevant |specialist |specialised |specialized "
        r")?(?:experience|training|study)",
        r"senior (?:experts?|professionals?|specialists?|staff|people)",
        r"experts? in (?:the |their )?(?:field|domain|area)",
    ),
    *_cues(
        Slot.QUALIFICATIONS,
        Q.PROFESSIONAL.value,
        r"specialists?",
        r"paralegals?",
        r"professional",
        strength=0.8,
        negated_strength=0.8,
    ),
]

# --- sensitivity of the data involved (source: security risks of core data) ---
_DATA_OWNERS = (
    r"(?:personal|private|personally identifiable|pii|phi|customer|customers'|client|clients'|"
    r"employee|"
    r"employees'|staff|patient|patients'|health|medical|financial|banking|bank|payment|card|"
    r"credit card|"
    r"salary|payroll|hr|tax|legal|biometric|citizen|student|user|member|policyholder|insurance|"
    r"social security|passport)"
)
# Personal data in plain words (GDPR Art. 4/9, HIPAA, PCI DSS). Financial,
# health and identity-document data are high on their own; contact and
# customer-profile details ("names and addresses") are personal data too, but
# with less harm if leaked: at least medium.
_HIGH_PERSONAL_ITEMS = (
    r"(?:bank|banking|payment|card|credit card|debit card) (?:details|data|information|"
    r"info|numbers?)|"
    r"account (?:details|data)|"
    r"bank accounts?|account numbers?|ibans?|sort codes?|credit cards?|debit cards?|card numbers?|"
    r"cardholder data|"
    r"salary (?:data|details|information|info)|pay (?:slips|data|details)|payslips|"
    r"(?:health|medical|patient|clinical) (?:records?|data|information|info|histor(?:y|ies)|files|"
    r"notes)|"
    r"diagnos(?:is|es)|prescriptions|"
    r"dates? of birth|birth ?dates?|dobs?|"
    r"(?:passport|id|identity|national insurance|ni|social security|ssn|tax|driving licen[cs]e|"
    r"driver'?s licen[cs]e)"
    r" (?:numbers?|details|data|cards?|documents?|scans?|copies)|ssns?|passports?"
)
_CONTACT_ITEMS = (
    r"(?:full |first |last |real )?names|(?:home |postal |email |e mail |delivery )?addresses|"
    r"(?:phone|telephone|mobile|cell) numbers?|contact (?:details|data|information|info)|"
    r"(?:order|purchase|purchasing|buying|transaction|browsing|booking) histor(?:y|ies)|"
    r"(?:account|customer|client|user) (?:profiles?|accounts)|"
    # "account info" is the user's profile; "account details" (bank) are high above.
    r"account (?:information|info|settings)|"
    r"(?:student|employee|staff|member|customer|user|membership) (?:ids?|id numbers?|numbers?)"
)
_PEOPLE = (
    r"(?:customer|customers'?|client|clients'?|employee|employees'?|staff|user|users'?|member|"
    r"members'?|"
    r"patient|patients'?|citizen|citizens'?|student|students'?|people's|everyone's|consumer|"
    r"consumers'?|"
    r"policyholder|policyholders'?|applicant|applicants'?|candidate|candidates'?|their|personal)"
)
SENSITIVITY_CUES = [
    *_cues(
        Slot.SENSITIVITY,
        S.HIGH.value,
        r"(?:" + _PEOPLE + r" )?(?:" + _HIGH_PERSONAL_ITEMS + r")",
        r"personal (?:data|information|info|details)",
        negated=S.LOW.value,
        negated_strength=0.6,
    ),
    # "names and addresses" is personal data; "names" alone ("brand names") is not.
    *_cues(
        Slot.SENSITIVITY,
        S.MEDIUM.value,
        _PEOPLE + r" (?:" + _CONTACT_ITEMS + r")",
        # A list of two contact items (high items are cues of their own);
        # "emails" only in such a list: "we answer customer emails" is the work.
        r"(?:e ?mails?|"
        + _CONTACT_ITEMS
        + r")(?:,? (?:and|or|&|\+|plus)|,) (?:their |the )?(?:e ?mails?|"
        + _CONTACT_ITEMS
        + r")",
        r"(?:email|e mail|home|postal) addresses|(?:phone|telephone|mobile) numbers|contact "
        r"details|"
        r"(?:order|purchase|transaction) histor(?:y|ies)",
        negated=S.LOW.value,
        negated_strength=0.6,
    ),
    *_cues(
        Slot.SENSITIVITY,
        S.HIGH.value,
        r"sensitive",
        r"confidential",
        r"confidentiality",
        r"secret",
        r"secrets",
        r"classified",
        r"trade secrets?",
        r"proprietary(?: (?:data|information|info|formulas?|algorithms?|code|designs?|research))?",
        _DATA_OWNERS
        + r" (?:data|information|info|records|details|files|documents|numbers|histor(?:y|ies))",
        r"personally identifiable",
        r"pii",
        r"phi",
        r"gdpr",
        r"hipaa",
        r"pci(?: dss)?",
        r"privacy",
        r"data protection",
        r"regulated(?: data)?",
        r"financials",
        r"intellectual property",
        r"(?:our|the|their|valuable|client|clients'|company) ip\b",
        r"source code",
        r"patents? pending",
        r"(?:m&a|merger|acquisition|deal) (?:plans?|data|information|documents)",
        r"insider information",
        r"(?:pricing|strategic|strategy|business|product) (?:plans?|secrets?|roadmaps?)",
        r"(?:high|significant|serious|major|big|huge) (?:security |data |privacy |compliance |"
        r"reputational )?risks?",
        r"(?:can't|cannot|must not|mustn't|shouldn't|should not|can never) (?:be )?(?:leak(?:ed)?|"
        r"shared|"
        r"disclosed|exposed|get out|leave (?:the building|our hands|the company))",
        r"(?:high|strict|tight|heavy|stringent) (?:security|confidentiality|privacy|compliance) "
        r"(?:requirements|needs|standards|rules)",
        r"need to know basis",
        r"if (?:it|this|that|the data|anything|any of it) (?:ever )?(?:leaked|leaks|got out|gets "
        r"out|"
        r"was leaked|were leaked|became public|goes public)",
    ),
    *_cues(
        Slot.SENSITIVITY,
        S.HIGH.value,
        r"risky",
        r"(?:data )?(?:breach|breaches|leak|leaks|leakage)",
        r"salar(?:y|ies)",
        strength=0.8,
    ),
    *_cues(
        Slot.SENSITIVITY,
        S.MEDIUM.value,
        # A classification label ("internal use only", "internal data") sits
        # above public; "internal only" / "just internal" (below) stresses
        # that nothing more sensitive is involved.
        r"internal (?:use|use only|data|information|documents?|info|reports?)",
        r"(?:moderate(?:ly)?|medium|average|some) (?:sensitivity|risk|confidentiality)",
        r"not public,? but not (?:secret|sensitive|confidential|critical|highly sensitive)",
        strength=1.2,
        negated=None,
    ),
    *_cues(
        Slot.SENSITIVITY,
        S.LOW.value,
        r"public(?:ly)? (?:info|information|data|domain|knowledge|records?|facing data|available|"
        r"sources?)",
        r"open (?:data|source data|information)",
        r"non (?:sensitive|confidential|personal)",
        r"nonsensitive",
        r"anonymi[sz]ed",
        r"anonymous",
        r"aggregated(?: data)?",
        r"dummy data",
        r"synthetic data",
        r"generic (?:data|information|info|content)",
        r"harmless",
        r"(?:low|little|minimal|no|zero|negligible) (?:security |data |privacy )?(?:risk|"
        r"sensitivity|exposure)",
        r"nothing (?:to hide|secret|sensitive|confidential|private|personal)",
        r"internal only(?: (?:data|information|info|stuff|documents?|content))?",
        r"(?:only|just|purely|merely) internal(?: (?:data|information|info|stuff|documents?|"
        r"content))?",
        negated=S.MEDIUM.value,
        negated_strength=0.6,
    ),
    *_cues(
        Slot.SENSITIVITY,
        S.LOW.value,
        r"public(?! (?:sector|company|companies|listed|relations|services?|accountants?|limited|"
        r"body|bodies))",
        strength=0.7,
        negated=S.MEDIUM.value,
        negated_strength=0.6,
    ),
]

# --- goal: the four benefits the source names --------------------------------
_COST_VERBS = (
    r"(?:cut|cutting|cuts|reduce|reduces|reducing|reduction of|lower|lowering|save|saving|saves|"
    r"slash|"
    r"slashing|trim|trimming|minimi[sz]e|minimi[sz]ing|decrease|decreasing|bring down|bringing "
    r"down|"
    r"control|controlling|optimi[sz]e|optimi[sz]ing|squeeze|spend less)"
)
_GAP_VERBS = (
    r"(?:lack|lacks|lacking|don't have|do not have|dont have|haven't got|have not got|have no|"
    r"are missing|miss|missing|are short (?:of|on)|short of|can't find|cannot find|can't hire|"
    r"cannot hire|"
    r"can't recruit|couldn't find|struggle to (?:find|hire|recruit|attract|retain)|struggling to "
    r"(?:find|hire|recruit|attract|retain)|(?:hard|difficult|impossible|expensive) to (?:find|"
    r"hire|recruit|"
    r"attract|retain))"
)
_GAP_OBJECTS = (
    r"(?:expertise|experts?|specialists?|talent|know how|skills?|skill set|capabilit(?:y|ies)|"
    r"knowledge|"
    r"analysts?|professionals?|lawyers|scientists|engineers|competenc(?:e|ies)|experience|"
    r"insights?)"
)
GOAL_CUES = [
    *_cues(
        Slot.GOAL,
        G.COST.value,
        _COST_VERBS
        + r" (?:our |the |some |on |operating |operational |labou?r |staff |staffing |running |"
        r"overall |fixed |unit |its )*(?:costs?|expenses?|spend|spending|overheads?|money|budget|"
        r"opex|bills?|"
        r"payroll costs?|headcount costs?|price)",
        r"cost (?:savings?|reduction|reductions|cutting|cuts|efficien(?:cy|t)|effective(?:ness)?|"
        r"control|"
        r"advantage|pressures?)",
        r"(?:cheaper|cheapest|less expensive|lower cost|low cost|more affordable)",
        r"(?:lower|cheaper|reduced) (?:labou?r|wage|salary) (?:costs?|rates?)",
        r"labou?r arbitrage",
        r"(?:too|very|so|really) (?:expensive|costly|pricey)",
        r"(?:save|saving) (?:us )?(?:a lot of |some )?money",
        r"(?:save|saving|spend less|spending less) (?:a lot |a fortune |money |a bit |loads )?on "
        r"(?:salaries|wages|"
        r"staff|staffing|labou?r|payroll|headcount|office space|costs|overheads|it)",
    ),
    *_cues(
        Slot.GOAL,
        G.COST.value,
        r"costs?",
        r"money",
        r"budget",
        r"savings?",
        r"cheap",
        r"expensive",
        r"bottom line",
        r"margins?",
        r"roi",
        strength=0.8,
    ),
    *_cues(Slot.GOAL, G.COST.value, r"efficien(?:cy|t)", strength=0.6),
    # "cost isn't the issue" / "the cost of errors": consume the words so "cost"
    # is not read as the goal.
    *_cues(
        Slot.GOAL,
        None,
        r"(?:cost|costs|price) of (?:an? |any )?(?:errors?|mistakes?|failures?|breach(?:es)?|"
        r"leaks?|"
        r"getting it wrong|downtime|delays?|non compliance|outages?|fines?)",
        r"(?:cost|costs|money|price|budget|saving money|savings)(?: is| are|'s)? (?:not|isn't|"
        r"isnt|aren't|"
        r"never) (?:really )?(?:the |a |our |an )?(?:main |big |real |primary |key |biggest "
        r")?(?:issue|"
        r"concern|driver|priority|goal|point|problem|reason|factor|objective|worry)",
    ),
    *_cues(
        Slot.GOAL,
        G.FLEXIBILITY.value,
        r"flexib(?:le|ility)(?: (?:workforce|staffing|capacity|resources|team))?",
        r"scal(?:e|ing|able|ability)(?: (?:up|down|up and down|up or down|quickly|fast|with demand|"
        r"as we grow|as needed|on demand))*",
        r"(?:seasonal|seasonality|peaks?|peak (?:periods?|seasons?|times|demand)|spikes?|surges?|"
        r"busy (?:season|seasons|periods?)|fluctuat\w+|ups and downs|variable demand|demand "
        r"swings|volume swings)",
        r"(?:fill|filling|plug|plugging|cover|covering|close|closing) (?:the |our |any |some "
        r")?(?:gaps?|"
        r"shortages?|vacancies|holes)(?: in (?:the |our )?(?:workforce|team|staff|staffing|"
        r"capacity|coverage|rota))?",
        r"(?:staff|staffing|labou?r|worker|people|headcount|workforce) (?:shortages?|gaps?)",
        r"gaps? in (?:the |our )?(?:workforce|staffing|team|coverage)",
        r"(?:short staffed|understaffed|short handed|stretched thin|overloaded|overstretched|"
        r"stretched)",
        r"(?:more|extra|additional) (?:capacity|hands|people|staff|headcount|manpower|bodies)",
        r"(?:temporary|temp|on demand|elastic|variable|contract|part time) (?:staff|workers|"
        r"workforce|"
        r"capacity|resources|labou?r|team)",
        r"(?:24 7|24x7|round the clock|around the clock|after hours|out of hours|overnight|weekend|"
        r"follow the sun)(?: (?:coverage|support|service|cover))?",
        r"(?:without|avoid|avoiding|instead of|rather than) (?:having to )?(?:hiring|hire|"
        r"recruiting|recruit|"
        r"adding headcount|growing headcount|permanent staff)",
        r"(?:don't|do not|dont) want to (?:hire|recruit|add headcount|grow headcount|employ)",
        r"(?:grow|grows|growing|expand|expanding) (?:fast|quickly|rapidly)",
        r"(?:volumes?|demand|workloads?|work loads?|orders|tickets|calls) (?:\w+ )?(?:swings?|"
        r"swinging|var(?:y|ies)|"
        r"varying|fluctuates?|fluctuating|goes up and down|go up and down|spikes?|peaks?|jumps?|"
        r"is seasonal|"
        r"are seasonal|is unpredictable|are unpredictable)",
        r"(?:can't|cannot) find (?:enough )?(?:people|staff|workers)",
        r"ramp (?:up|down)",
        r"(?:can't|cannot|couldn't|can not) (?:hire|recruit) (?:fast|quickly) enough",
        r"hiring is (?:too )?slow",
    ),
    *_cues(
        Slot.GOAL,
        G.FLEXIBILITY.value,
        r"capacity",
        r"agility",
        r"agile",
        r"workforce",
        strength=0.7,
    ),
    *_cues(
        Slot.GOAL,
        G.FOCUS.value,
        r"(?:focus(?:ing|ed|es)?|concentrat(?:e|ing)|spend (?:more )?(?:our )?time|put (?:our "
        r")?(?:energy|"
        r"effort|time|resources)|double down) (?:more )?(?:on )?(?:our |the |what |what's |what "
        r"is |things "
        r"that |where )?(?:own )?(?:core|main|primary|key|important|real|strategic|high value|"
        r"higher value|"
        r"actual|really)? ?(?:business|competenc\w+|processes|process|activities|activity|work|"
        r"strengths?|"
        r"stuff|things|matters(?: most)?|priorities|products?|customers|clients|growth|mission|job|"
        r"we do best|we're good at|adds value|strategy|innovation|value)?",
        r"free (?:up )?(?:our |the |my )?(?:team|staff|people|employees|time|resources|management|"
        r"managers|"
        r"capacity|hands|attention|bandwidth|experts|engineers)(?: (?:to|so they can) (?:focus|"
        r"concentrate|"
        r"work) on (?:[\w']+ ){0,4}[\w']+)?",
        # ("attention to detail" is a skill, not management attention)
        r"(?:management |leadership )?(?:distraction|distractions|distracted|"
        r"attention(?! to detail)|headspace|bandwidth)",
        r"(?:get|getting|take|taking) (?:it|this|that) off (?:our|my) (?:plate|hands|desk)",
        r"(?:less|reduce|reducing|fewer) (?:management )?(?:burden|hassle|headaches?|distractions)",
        r"(?:what|things) we do best",
        r"(?:stick|stay) to (?:our )?(?:knitting|core|what we do best)",
    ),
    # "it costs us a lot of time": spending time/attention, not money, is a
    # (weaker) focus reason; being longer it also consumes the word "costs".
    *_cues(
        Slot.GOAL,
        G.FOCUS.value,
        r"(?:costs?|costing|eats?|eating|eats? up|eating up|takes? up|taking up|swallows?|"
        r"consumes?|consuming|wastes?|wasting|ties? up|tying up|drains?|draining|sucks? up) (?:up "
        r")?(?:us |me )?"
        r"(?:a lot of |lots of |so much |too much |loads of |much |a ton of |tons of |all "
        r")?(?:our |my |the "
        r"team's |management |senior |leadership |valuable )*(?:time|attention|effort|energy|"
        r"bandwidth|focus|"
        r"headspace)",
        strength=0.7,
    ),
    # "our associates should be doing legal work, not reading emails": people kept
    # from the work only they can do.
    *_cues(
        Slot.GOAL,
        G.FOCUS.value,
        r"(?:should|ought to|could|would rather|'d rather) (?:be )?(?:doing|working on|spending "
        r"(?:their |our |my )?(?:time|hours|days) on|focus(?:ing)? on|building|selling|"
        r"serving|with)\b[\w ',]{0,60}?\b(?:not|instead of|rather than)\b",
        r"instead of (?:doing |wasting (?:time|hours|days) on )?(?:the |their |our )?(?:work|"
        r"jobs?|things) only (?:they|we|i) can do",
        strength=0.8,
    ),
    *_cues(
        Slot.GOAL,
        G.EXPERTISE.value,
        r"(?:we |i |our team )?"
        + _GAP_VERBS
        + r" (?:the |any |enough |some |good |qualified |the right |"
        r"in house |internal |our own )?" + GAP + _GAP_OBJECTS,
        r"(?:we|i) (?:really )?(?:need|want|would like|'d like|are looking for|look for|seek|"
        r"require) "
        + GAP
        + r"(?:specialist knowledge|specialised knowledge|specialist skills|specialised skills|"
        r"expert skills|expertise|experts?|specialists?|know how|insights?|capabilit(?:y|ies))",
        r"(?:access|access to|tap into|bring in|gain|get|acquire|leverage|borrow|benefit from|"
        r"draw on|"
        r"buy in|learn from) "
        + GAP
        + r"(?:expertise|experts?|specialists?|talent|know how|insights?|"
        r"capabilit(?:y|ies)|best practices?|experience|specialist skills|specialised skills|"
        r"skills|analysts|"
        r"professionals|scientists|lawyers|engineers)",
        r"(?:capability|capabilities|skills?|knowledge|expertise|talent|competence|experience) "
        r"(?:gaps?|shortages?)",
        r"talent (?:pool|shortage|crunch|war)",
        r"war for talent",
        # People nouns here are whom the firm can't get (the goal), not a
        # description of the work (complexity).
        r"(?:hiring|recruiting|finding|keeping|retaining|employing|attracting) (?:good |qualified "
        r"|enough |"
        r"the right |skilled |our own |in house )?(?:experts?|specialists?|talent|analysts|"
        r"engineers|lawyers|"
        r"scientists|professionals|developers)",
        r"(?:skills?|expertise|knowledge|know how|talent|capabilit(?:y|ies)|experience|experts?|"
        r"specialists?) "
        r"(?:that )?(?:we|i) (?:just |simply )?" + _GAP_VERBS + r"(?: have)?",
        r"(?:better|deeper|new|more|sharper|fresh|expert|actionable|richer|smarter) (?:insights?|"
        r"analysis|"
        r"expertise|know how|advice|decisions)",
        r"(?:outside|external|world class|best in class|specialist|specialised|specialized) "
        r"(?:expertise|"
        r"experts?|specialists?|know how|insights?|talent|advice|help)",
        r"not our (?:area of )?(?:expertise|strength|forte|speciality|specialty)",
        r"(?:we're|we are|we aren't|we're not|we are not) (?:not )?(?:experts|specialists|good at "
        r"(?:it|this))",
        r"(?:nobody|no one) (?:here |in house |internally |on (?:our |the )?team )?(?:knows|can|"
        r"has)",
        r"(?:experts?|specialists?|talent|skills?|expertise|people with (?:the )?(?:right "
        r")?skills) (?:are|is) "
        r"(?:really |very |so )?(?:hard|difficult|impossible|expensive|scarce)(?: to (?:find|hire|"
        r"get|recruit|come by))?",
    ),
    *_cues(
        Slot.GOAL,
        G.EXPERTISE.value,
        r"(?:improve|improving|raise|raising|better) (?:the )?(?:quality|results|outcomes|"
        r"performance|accuracy)",
        r"best practices?",
        strength=0.8,
    ),
]

# Explicit "<level> <slot noun>" / "<slot noun> is <level>" statements.
_SLOT_NOUNS = {
    Slot.SENSITIVITY: (
        r"(?:data )?(?:sensitivity|confidentiality|security risk|data risk|privacy risk|"
        r"risk level)"
    ),
    Slot.COMPLEXITY: r"(?:complexity|difficulty|task complexity|work complexity)",
    Slot.QUALIFICATIONS: (
        r"(?:skill level|skills level|qualification level|qualifications?|skills? needed|"
        r"skills? required|education level|skill requirements?|qualification requirements?)"
    ),
    Slot.CORE: r"(?:strategic importance|strategic value|importance)",
}
_LEVELS = {  # index into the slot's scale: 0 low, 1 middle, 2 high
    2: (
        r"(?:very |extremely |quite |rather |pretty |really )?(?:high|higher|highest|significant|"
        r"considerable|great|big|substantial|top)"
    ),
    0: (
        r"(?:very |quite |pretty |rather |really )?(?:low|lower|lowest|minimal|little|small|"
        r"negligible|"
        r"basic|none|zero)"
    ),
    1: r"(?:medium|moderate|average|mid|middle|intermediate)",
}


def _level_cues() -> list[Cue]:
    cues = []
    for slot, noun in _SLOT_NOUNS.items():
        for level, words in _LEVELS.items():
            value = values_of(slot)[level]
            cues += _cues(
                slot,
                value,
                words + " " + noun,
                noun
                + (
                    r"(?: (?:is|are|would be|level is|levels are)|\s*[:=]) ?(?:quite |pretty |"
                    r"very |fairly )?"
                )
                + words,
                strength=1.5,
                negated=None,
            )
    return cues


CUES: tuple[Cue, ...] = tuple(
    CORE_CUES + COMPLEXITY_CUES + QUALIFICATION_CUES + SENSITIVITY_CUES + GOAL_CUES + _level_cues()
)

# --- terse replies, only when that question was just asked -------------------
YES = (
    r"yes|yeah|yep|yup|ya|yea|sure|definitely|absolutely|of course|correct|right|indeed|"
    r"certainly|it is|it does|true|y|affirmative|i think so|very much so|for sure|totally"
)
NO = (
    r"no|not|nope|nah|not really|no way|it isn't|it is not|it's not|it doesn't|it does not|n|"
    r"negative|not at all|i don't think so|not so much|nah not really"
)
TERSE_TOP = (
    r"very|very much|extremely|highly|a lot|high|very high|super|hugely|massively|100%|top|"
    r"maximum|max|quite a lot|lots|heavily|really high"
)
TERSE_MIDDLE = (
    r"medium|moderate|moderately|average|middle|mid|in between|in the middle|somewhere in between|"
    r"somewhere in the middle|somewhat|some|a bit|a little|a little bit|slightly|partly|partially|"
    r"sort of|"
    r"kind of|kinda|fairly|mixed|a mix|a mixture|mix|both|a bit of both|bit of both|half and half|"
    r"50 50|"
    r"so so|medium ish|moderately so|to some extent|in parts"
)
TERSE_BOTTOM = (
    r"low|very low|not|not really|not at all|not much|not very|hardly|barely|none|no|nope|nah|"
    r"minimal|zero|nothing|little|not particularly|not that much|not especially|not so much|"
    r"really low"
)
# Extra one-word answers to the goal question.
TERSE_GOAL = {
    G.COST.value: r"costs?|money|savings?|cheaper|price|budget|saving money|cut costs|cost cutting",
    G.FLEXIBILITY.value: (
        r"scale|scaling|scalability|capacity|flexible|flexibility|agility|peaks|"
        r"headcount"
    ),
    G.FOCUS.value: r"focus|core|core business|concentrate|focus on core|focus on our core",
    G.EXPERTISE.value: (
        r"experts?|expertise|talent|skills|knowledge|insights?|quality|know how|"
        r"specialists?"
    ),
}
# Extra one-word answers to the qualifications question.
TERSE_QUALIFICATIONS = {
    Q.BASIC.value: (
        r"nothing special|no special skills|none really|not much|anyone|anybody|"
        r"on the job"
    ),
    Q.TECHNICAL.value: (
        r"technical skills|certificates|certification|certifications|"
        r"some training|training"
    ),
    Q.PROFESSIONAL.value: (
        r"degree|degrees|a degree|professional|professionals|licensed|licence|"
        r"license"
    ),
}
TERSE_CORE = {
    C.SUPPORTING.value: (
        r"supporting|support|necessary|just necessary|not distinctive|not unique|"
        r"neither|not really"
    ),
    C.IMPORTANT.value: (
        r"important|critical|essential|vital|crucial|necessary but not unique|"
        r"critical but not unique"
    ),
}

# Filler around a terse answer: "I'd say high", "probably medium", "low I think".
LEADING_FILLER = (
    r"i'd say|i would say|i think|i guess|i suppose|i believe|probably|maybe|perhaps|it's|it is|"
    r"its|"
    r"it'd be|it would be|that would be|that's|thats|um+|uh+|er+|erm|well|hmm+|honestly|actually|"
    r"oh|ok|"
    r"okay|so|the answer is|answer|i'd go with|go with|let's say|lets say|say|it|we'd say|pretty|"
    r"quite|"
    r"rather|really|i'd go for|i'll go with|i'll say|definitely|mostly|hm+|ah|the|a|our|mine is|"
    r"my answer is|"
    r"option|number|choice|#|kind of|sort of|kinda"
)
TRAILING_FILLER = (
    r"i think|i guess|probably|i'd say|i suppose|ish|really|then|for now|please|thanks|thank you|"
    r"tbh|"
    r"honestly|i believe|i reckon|overall|mostly|for us|in our case|actually"
)
ORDINAL_WORDS = {
    1: r"1|one|first|the first|the first one|first one",
    2: r"2|two|second|the second|the second one|second one",
    3: r"3|three|third|the third|the third one|third one",
    4: r"4|four|fourth|the fourth|the fourth one|fourth one|last|the last|the last one",
    5: r"5|five|fifth|the fifth one",
}

# --- things that are never answers -------------------------------------------
NON_ANSWERS = (
    r"(?:i )?(?:really )?(?:don't|do not|dont) (?:really )?(?:know|understand|get it|care|"
    r"remember)|"
    r"dunno|idk|"
    r"(?:i'm |im |i am )?(?:not sure|unsure|not certain)|no (?:idea|clue)|hard to say|can't say|"
    r"who knows|"
    r"hm+|um+|uh+|er+|ok|okay|k|kk|stop|cancel|quit|exit|restart|start over|help|skip|pass|next|"
    r"never ?mind|whatever|nothing|none of (?:the|these) (?:above|options)?|"
    r"something else(?: \w+){0,3}|other|"
    r"hi|hello|hey|thanks|thank you|cool|great|nice|lol|test|bye|goodbye|huh|what|why|pardon|"
    r"sorry|again|"
    r"repeat|back|undo|menu|options|more|continue|go on|go ahead|fine|good|alright|all right|\?+|"
    r"\.+|!+|"
    r"i don't understand|no comment|n/?a|not applicable|let me think|wait|hold on|one sec|"
    r"type it|something|anything|everything|stuff|things|it|this|that|them|yes|no|yeah|nope|nah|"
    r"not sure yet|depends|it depends|maybe|perhaps|possibly|probably"
)
# Phrases that make any reply a non-answer (and never a process name).
NON_ANSWER_PHRASES = (
    r"don't know|dont know|do not know|not sure|no idea|no clue|dunno|idk|unsure|can't remember|"
    r"i|i'm|im|(?<!thank )you|your|me|hello|hi|thanks|help me|talk to|speak to|human|bot|"
    r"restart|"
    # "thank you" is a non-answer; "the thank you letters" are work
    r"thank you(?!\s+(?:letter|note|card|e-?mail|message|call|gift|pack)s?\b)|"
    r"start over|stop|cancel"
)
# Sentences that ask rather than answer.
QUESTION_START = (
    r"(?:what|why|how|when|where|who|whom|which|whose)(?:'s|s|re)?\b(?! (?:we|our|i|makes us|sets "
    r"us))|"
    r"(?:can|could|would|will|should|shall|do|does|did|is|are|was|were|am|have|has|may|might)\s+"
    r"(?:i|you|we|they|it|this|that|there|he|she|the|a|an|my|our|your|kpo|bpo|outsourcing|"
    r"anyone)\b|"
    r"tell me|explain|define|describe|give me|show me|i wonder|i'm wondering|wondering"
)
# A sentence ending in "?" that starts with one of these asks something.
AUX_VERBS = (
    r"is|are|was|were|do|does|did|can|could|should|would|will|shall|has|have|may|might|isn't|"
    r"aren't|doesn't"
)
# "what is data analytics?": asks for a definition (a short phrase, nothing of
# "ours"), so it names no process to assess; "what is best for our payroll?" does.
DEFINITION_QUESTION = (
    r"(?:what|who)(?: is|'s|s| are|re| does| do) (?:a |an |the )?"
    r"(?:(?!(?:for|our|we|us|my|with|to|in|of)\b)[\w&']+ ?){1,4}(?: mean| stand for)?|"
    r"(?:define|explain|describe)\b.*|what do you mean by .*|meaning of .*"
)
# "what about payroll?", "how about our books": the rest is the answer.
ANSWER_IN_QUESTION = r"(?:what|how) about (?P<rest>.+)"
# "should we outsource payroll?": an assessment request naming the process.
OUTSOURCE_QUESTION = (
    r"(?:should|can|could|would|do|shall) (?:we|i) (?:outsource|offshore|contract out) (?P<rest>.+)"
)
# "we want to outsource our warehouse logistics because ...": the object named.
OUTSOURCE_OBJECT = (
    r"(?:(?:outsourc(?:e|ing|ed)|offshor(?:e|ing)|contract(?:ing)? out|farm(?:ing)? out|"
    r"hand(?:ing)? (?:over|off)|offload(?:ing)?)(?: of)?|"
    # "assess our image editing": a possessive names the object ("assess whether" does not).
    r"(?:assess(?:ing)?|evaluat(?:e|ing)|look(?:ing)? at) (?=(?:our|my|the|their) ))"
    r" ?(?P<object>[\w&' ]+)"
)
OBJECT_STOP_WORDS = (
    r"because|since|as|so|but|which|that|who|where|when|it|its|it's|is|are|was|were|we|i|to|for|"
    r"with|if|"
    r"or|they|there|this|while|though|although|since|mainly|mostly|primarily|in order|due|and we|"
    r"and it"
)
NOT_A_PROCESS = (
    r"it|this|that|them|these|those|everything|something|anything|nothing|stuff|things|some|all|"
    r"work|"
    r"process|processes|a process|the process|our process|some work|part of it|some of it|one|"
    r"a function|function|department|tasks|work|yes|no|ok|okay|what|more|services|service|"
    r"operations|"
    r"something else|other|else|bpo|kpo|outsourcing|outsource|offshoring|business|"
    r"(?:one|some|all|any|each) of (?:our|my|the|their) (?:processes|functions|departments|teams)|"
    r"(?:our|my|the|their) (?:processes|functions|options|situation|case|business|company)"
)
# Typo targets: the words our cues hinge on (catalogue words are added too).
TYPO_TARGETS = frozenset(
    [
        "routine",
        "routinely",
        "repetitive",
        "repeatable",
        "scripted",
        "standardised",
        "standardized",
        "procedures",
        "procedure",
        "complex",
        "complexity",
        "complicated",
        "sophisticated",
        "judgement",
        "judgment",
        "expertise",
        "expert",
        "experts",
        "specialised",
        "specialized",
        "specialist",
        "analysis",
        "analytical",
        "interpretation",
        "sensitive",
        "sensitivity",
        "confidential",
        "confidentiality",
        "personal",
        "private",
        "privacy",
        "proprietary",
        "secret",
        "secrets",
        "financial",
        "qualifications",
        "qualification",
        "qualified",
        "professional",
        "professionals",
        "technical",
        "technician",
        "technicians",
        "certified",
        "certification",
        "certifications",
        "certificates",
        "degree",
        "degrees",
        "lawyers",
        "attorneys",
        "scientists",
        "analysts",
        "accountants",
        "chartered",
        "experience",
        "training",
        "flexibility",
        "flexible",
        "scalability",
        "scale",
        "seasonal",
        "workforce",
        "capacity",
        "costs",
        "cheaper",
        "expensive",
        "savings",
        "reduce",
        "focus",
        "concentrate",
        "competitors",
        "competitive",
        "advantage",
        "distinctive",
        "different",
        "differentiator",
        "unique",
        "strategic",
        "critical",
        "essential",
        "important",
        "supporting",
        "administrative",
        "necessary",
        "outsource",
        "outsourcing",
        "insights",
        "talent",
        "capability",
        "knowledge",
        "mission",
        "operations",
        "business",
        "customer",
        "customers",
        "process",
        "processing",
        "employee",
        "patient",
        "medical",
        "intellectual",
        "property",
        "anonymised",
        "public",
        "internal",
        "straightforward",
        "transactional",
        "clerical",
        "mundane",
        "distinguish",
        "interpret",
        "analyse",
        "analyze",
        "analytics",
        "efficiency",
        "operational",
        "repetition",
        "knowledge",
        "regulated",
    ]
)
