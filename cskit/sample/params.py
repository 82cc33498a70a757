"""Model parameters of the sample, in one place (money in JPY, rates per month).

Every step of the generator reads its numbers here; changing one changes the data
(the files stay deterministic for a given set of parameters and arguments).
"""
from __future__ import annotations

#: First month of the default sample; 36 months from here end at 2026-10.
DEFAULT_START = "2023-11"

#: Months the company has existed before the data window by default: about four years,
#: so the window opens on a grown customer base (hundreds of accounts signed years ago).
DEFAULT_HISTORY_MONTHS = 48

#: Months simulated after the period: "about to churn" needs a look ahead.
HORIZON = 3

SEGMENTS = ("enterprise", "mid", "smb")
SEGMENT_SHARE = (0.10, 0.30, 0.60)
TOUCH = ("high", "low", "tech")  # default touch model per segment, same order
CS_TEAM = ("cs_enterprise", "cs_enterprise", "cs_smb")  # per segment
PRICES = (  # list price per seat and month, per segment
    (2400, 2700, 3000, 3300),
    (2000, 2200, 2500, 2800),
    (1800, 2000, 2200),
)
SEATS_MEDIAN = (180.0, 50.0, 12.0)
SEATS_RANGE = ((100, 330), (35, 80), (5, 25))
CHURN = (0.01, 0.02, 0.04)  # mature monthly churn hazard
EXPAND = (0.08, 0.05, 0.025)  # monthly expansion probability
CONTRACT = (0.01, 0.01, 0.008)  # monthly contraction probability
RETURN_SHARE = 0.14  # share of churns that come back 3-12 months later
NEVER_BILLED = 0.005  # signed but never billed
SALES_CYCLE = ((45, 150), (30, 100), (7, 45))  # days from created to close
ONBOARDING_DAYS = (90, 60, 30)
TICKETS = (0.9, 0.4, 0.12)  # tickets per paid account-month
NPS_RESPONSE = (0.55, 0.4, 0.25)
# arrivals per calendar month (Jan..Dec): April fiscal-year start, October half
SEASON = (0.9, 0.9, 1.3, 1.8, 1.1, 1.0, 1.0, 0.8, 1.1, 1.4, 1.0, 0.8)

INDUSTRIES = (
    "manufacturing", "it", "retail", "services", "construction",
    "logistics", "finance", "healthcare", "real_estate", "education",
)
INDUSTRY_P = (0.20, 0.18, 0.12, 0.12, 0.08, 0.08, 0.07, 0.07, 0.04, 0.04)
REGIONS = (
    "kanto", "kansai", "chubu", "kyushu", "tohoku", "chugoku", "hokkaido", "shikoku",
)
REGION_P = (0.45, 0.20, 0.12, 0.08, 0.05, 0.04, 0.04, 0.02)
REGION_FS = (0, 1, 0, 1, 0, 1, 0, 1)  # 0 = fs_tokyo, 1 = fs_osaka
FS_TEAMS = ("fs_tokyo", "fs_osaka")
LOST_PER_WON = (2.0, 2.6)  # lost new-business opportunities per won, per FS team

LEAD_SOURCES = ("web", "event", "referral", "ads")
OPP_SOURCES = ("web", "event", "referral", "ads", "outbound", "existing")
OPP_SOURCE_P = (0.34, 0.18, 0.15, 0.18, 0.15)  # new business only
OPP_TYPES = ("new", "upsell", "cross_sell", "renewal")
OPP_TEAMS = ("fs_tokyo", "fs_osaka", "cs_enterprise", "cs_smb")  # opportunity team codes 0..3
STAGES = ("open", "won", "lost")
LEAD_TEAMS = ("is_tokyo", "marketing")
LEAD_STATUS = ("open", "qualified", "disqualified", "converted")
ACTIVITY_TEAMS = ("is_tokyo", "fs_tokyo", "fs_osaka")
CHANNELS = ("call", "email", "meeting")
OUTCOMES = (
    "no_answer", "connected", "meeting_set",  # call
    "sent", "opened", "replied",  # email (+ meeting_set)
    "held", "no_show",  # meeting
)
TICKET_TEAMS = ("support", "cs_enterprise", "cs_smb")
TICKET_CHANNELS = ("phone", "email", "chat")
SURVEYS = ("nps", "csat")

# owners per 1,000 accounts (at least one each), and monthly loaded cost per head
HEADS_PER_1000 = {
    "cs_enterprise": 5.0, "cs_smb": 2.0, "is_tokyo": 5.0, "fs_tokyo": 8.0,
    "fs_osaka": 4.0, "support": 4.0, "marketing": 1.5,
}
COST_TEAMS = ("fs_tokyo", "fs_osaka", "is_tokyo", "marketing")
COST_CATEGORIES = ("sales", "marketing")
COST_PER_HEAD = {"fs_tokyo": 900_000, "fs_osaka": 850_000, "is_tokyo": 550_000, "marketing": 600_000}
COST_PER_LEAD = 10_000  # marketing programme spend per lead created
