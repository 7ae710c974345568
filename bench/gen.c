/*
 * gen.c - mm-gen, the deterministic synthetic-company generator.
 *
 *   mm-gen --employees N [--seed S] [--start YYYY-MM-DD] --out DIR
 *
 * Writes a complete mentormatch input folder (SPEC section 2) and its
 * config.json (section 3) into DIR: a department tree, employees with a
 * manager tree, skills, goals, weekly availability, history, exclusions,
 * pins, preferences. The same arguments give byte-identical files: the only
 * source of randomness is the xoshiro256** generator below, seeded from S,
 * and it is consumed in one fixed order. Nothing reads the clock.
 *
 * The data is valid by construction: ids are unique, every reference
 * resolves, the manager tree has no cycle, no employee lists a skill (or a
 * goal) twice, availability windows do not overlap, and every pin satisfies
 * the hard rules of SPEC section 4 under the default configuration (the
 * learner and the mentor share a time zone and one identical window).
 *
 * Memory is linear in N (about 100 bytes an employee); output is buffered
 * and written to a temporary file per table, renamed when complete.
 * Exit codes: 0, 64 bad arguments, 70 out of memory, 73 cannot create the
 * output, 74 write error.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum {
    EXIT_USAGE = 64,
    EXIT_SOFTWARE = 70,
    EXIT_CANTCREAT = 73,
    EXIT_IOERR = 74
};

#define MAX_EMPLOYEES 10000000L
#define MAX_SEED 9007199254740991LL /* 2^53 - 1: exact as a JSON number */
#define MAX_SKILLS 8
#define MAX_GOALS 4
#define MAX_WINDOWS 8
#define SPAN 9 /* reports per manager before a layer of leads is added */
#define QUARTER_WEEKS 12
#define PATH_BYTES 4096
#define OBUF_BYTES (1u << 18)

enum { R_LEARNER = 1, R_MENTOR = 2, R_HOST = 4 };
enum { T_ANY, T_MENTORING, T_SHADOWING };
enum { F_NOAVAIL = 1, F_PINNED = 2 };

/* ---------------------------------------------------------------- PRNG -- */

typedef struct {
    uint64_t s[4];
} rng_t;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* A uniform integer in [0, n), n > 0 (Lemire's multiply-shift). */
static uint32_t rng_below(rng_t *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* A uniform double in [0, 1). */
static double rng_unit(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Roughly standard normal (Irwin-Hall of 4, rescaled): cheap and libm-free. */
static double rng_gauss(rng_t *r)
{
    double s = rng_unit(r) + rng_unit(r) + rng_unit(r) + rng_unit(r);
    return (s - 2.0) * 1.7320508075688772;
}

/* An index into w[0..n) drawn with probability w[i] / sum(w). */
static int rng_weighted(rng_t *r, const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    int x = (int)rng_below(r, (uint32_t)total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* ---------------------------------------------------------- calendars -- */

static int32_t days_from_civil(int32_t y, int32_t m, int32_t d)
{
    y -= m <= 2;
    int32_t era = (y >= 0 ? y : y - 399) / 400;
    int32_t yoe = y - era * 400;
    int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int32_t *y, int32_t *m, int32_t *d)
{
    z += 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Monday .. 6 = Sunday. */
static int32_t weekday(int32_t days)
{
    int32_t w = (days + 3) % 7;
    return w < 0 ? w + 7 : w;
}

/* The first date on or after `days` that falls on weekday `wd`. */
static int32_t next_weekday(int32_t days, int32_t wd)
{
    return days + (wd - weekday(days) + 7) % 7;
}

/* Easter Sunday (anonymous Gregorian algorithm). */
static int32_t easter(int32_t y)
{
    int32_t a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int32_t f = (b + 8) / 25, g = (b - f + 1) / 3;
    int32_t h = (19 * a + b - d - g + 15) % 30;
    int32_t i = c / 4, k = c % 4;
    int32_t l = (32 + 2 * e + 2 * i - h - k) % 7;
    int32_t m = (a + 11 * h + 22 * l) / 451;
    int32_t month = (h + l - 7 * m + 114) / 31;
    int32_t day = (h + l - 7 * m + 114) % 31 + 1;
    return days_from_civil(y, month, day);
}

/* Parses a strict YYYY-MM-DD (years 1900..9999); 0 on success. */
static int parse_date(const char *s, int32_t *out)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int32_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int32_t m = (s[5] - '0') * 10 + (s[6] - '0');
    int32_t d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return -1;
    int32_t z = days_from_civil(y, m, d);
    int32_t y2, m2, d2;
    civil_from_days(z, &y2, &m2, &d2);
    if (y2 != y || m2 != m || d2 != d)
        return -1;
    *out = z;
    return 0;
}

/* ------------------------------------------------------- static tables -- */

static const char *const TIMEZONES[] = {
    "America/New_York", "America/Los_Angeles", "America/Sao_Paulo",
    "Europe/London",    "Europe/Berlin",       "Asia/Kolkata",
    "Asia/Kathmandu",   "Asia/Singapore",      "Australia/Sydney",
};
#define N_TZ ((int)(sizeof TIMEZONES / sizeof TIMEZONES[0]))

/* Offices; share is per mille of the whole company. */
static const struct {
    const char *name;
    int tz;
    int share;
} CITIES[] = {
    {"New York", 0, 150},      {"Boston", 0, 60},    {"San Francisco", 1, 100},
    {"Seattle", 1, 50},        {"São Paulo", 2, 60}, {"London", 3, 140},
    {"Berlin", 4, 100},        {"Munich", 4, 40},    {"Bengaluru", 5, 110},
    {"Pune", 5, 50},           {"Kathmandu", 6, 20}, {"Singapore", 7, 70},
    {"Sydney", 8, 50},
};
#define N_CITIES ((int)(sizeof CITIES / sizeof CITIES[0]))

/* Division kinds; the skill category letter says which skills they favour. */
#define N_KINDS 8
#define KIND_COMPANY N_KINDS
static const char *const KIND_NAMES[N_KINDS] = {
    "Engineering", "Sales & Marketing", "Operations", "Finance",
    "People", "Product & Design", "Legal, Risk & Compliance", "Data & Analytics",
};
static const char KIND_CATEGORY[N_KINDS + 1] = "ECOFPRLDG";
#define N_LEAF_NAMES 8
static const char *const LEAF_NAMES[N_KINDS][N_LEAF_NAMES] = {
    {"Platform", "Data Engineering", "Mobile", "Security", "Infrastructure", "Web",
     "Quality Engineering", "Developer Tools"},
    {"Sales, Americas", "Sales, EMEA", "Marketing", "Customer Success", "Partnerships",
     "Sales, APAC", "Growth", "Sales Operations"},
    {"Supply Chain", "Facilities", "Procurement", "IT Support", "Logistics",
     "Customer Support", "Business Operations", "Quality Assurance"},
    {"Accounting", "FP&A", "Treasury", "Tax", "Internal Audit", "Payroll",
     "Investor Relations", "Controlling"},
    {"Talent Acquisition", "Learning & Development", "HR Business Partners",
     "Compensation & Benefits", "People Analytics", "Workplace", "Inclusion",
     "Internal Communications"},
    {"Product Management", "UX Design", "UX Research", "Content Design", "Brand Design",
     "Product Marketing", "Product Analytics", "Design Systems"},
    {"Corporate Legal", "Privacy", "Compliance", "Risk Management", "Contracts",
     "Regulatory Affairs", "IP & Licensing", "Ethics"},
    {"Analytics", "Data Science", "Machine Learning", "Business Intelligence",
     "Data Governance", "Experimentation", "Data Platform", "Research"},
};

/*
 * Skills in order of global popularity (rank 0 is the most common); the
 * letter is the category: G general, E engineering, D data, C commercial,
 * O operations, F finance, P people, R product and design, L legal.
 * A run uses the first n_skills of them.
 */
static const struct {
    const char *name;
    char cat;
} SKILLS[] = {
    {"communication", 'G'}, {"sql", 'D'}, {"python", 'E'}, {"project management", 'G'},
    {"excel", 'F'}, {"public speaking", 'G'}, {"stakeholder management", 'G'},
    {"negotiation", 'C'}, {"data analysis", 'D'}, {"leadership", 'G'},
    {"javascript", 'E'}, {"financial modelling", 'F'}, {"people management", 'P'},
    {"product management", 'R'}, {"agile delivery", 'E'}, {"customer discovery", 'R'},
    {"kubernetes", 'E'}, {"coaching", 'P'}, {"account management", 'C'},
    {"ux design", 'R'}, {"statistics", 'D'}, {"budgeting", 'F'}, {"recruiting", 'P'},
    {"contract law", 'L'}, {"process improvement", 'O'}, {"java", 'E'},
    {"presentation design", 'G'}, {"machine learning", 'D'}, {"cloud architecture", 'E'},
    {"copywriting", 'C'}, {"supply chain planning", 'O'}, {"accounting", 'F'},
    {"risk management", 'L'}, {"conflict resolution", 'P'}, {"strategic planning", 'G'},
    {"typescript", 'E'}, {"tableau", 'D'}, {"sales forecasting", 'C'},
    {"user research", 'R'}, {"lean six sigma", 'O'}, {"go", 'E'}, {"data privacy", 'L'},
    {"employee relations", 'P'}, {"seo", 'C'}, {"aws", 'E'}, {"financial reporting", 'F'},
    {"prototyping", 'R'}, {"vendor management", 'O'}, {"written communication", 'G'},
    {"docker", 'E'}, {"power bi", 'D'}, {"crm administration", 'C'}, {"compliance", 'L'},
    {"facilitation", 'P'}, {"linux", 'E'}, {"time management", 'G'}, {"forecasting", 'F'},
    {"brand strategy", 'C'}, {"figma", 'R'}, {"incident management", 'E'},
    {"react", 'E'}, {"data visualisation", 'D'}, {"change management", 'G'},
    {"procurement", 'O'}, {"tax planning", 'F'}, {"onboarding design", 'P'},
    {"rust", 'E'}, {"a/b testing", 'D'}, {"pricing strategy", 'C'}, {"accessibility", 'R'},
    {"security engineering", 'E'}, {"gdpr", 'L'}, {"inventory management", 'O'},
    {"performance reviews", 'P'}, {"c++", 'E'}, {"deep learning", 'D'},
    {"content marketing", 'C'}, {"information architecture", 'R'}, {"terraform", 'E'},
    {"treasury management", 'F'}, {"mentoring", 'G'}, {"logistics", 'O'}, {"ci/cd", 'E'},
    {"r programming", 'D'}, {"cold calling", 'C'}, {"interaction design", 'R'},
    {"internal audit", 'F'}, {"employment law", 'L'}, {"microservices", 'E'},
    {"etl pipelines", 'D'}, {"social media marketing", 'C'}, {"workforce planning", 'P'},
    {"quality assurance", 'O'}, {"postgresql", 'E'}, {"spark", 'D'},
    {"event planning", 'G'}, {"okr setting", 'G'}, {"ios development", 'E'},
    {"android development", 'E'}, {"natural language processing", 'D'},
    {"investor relations", 'F'}, {"partnership development", 'C'}, {"design systems", 'R'},
    {"compensation analysis", 'P'}, {"contract negotiation", 'L'},
    {"capacity planning", 'O'}, {"graphql", 'E'}, {"data governance", 'D'},
    {"email marketing", 'C'}, {"usability testing", 'R'}, {"payroll", 'F'},
    {"intellectual property", 'L'}, {"customer support", 'O'},
    {"site reliability engineering", 'E'}, {"experiment design", 'D'},
    {"public relations", 'C'}, {"roadmapping", 'R'}, {"diversity and inclusion", 'P'},
    {"health and safety", 'O'}, {"kotlin", 'E'}, {"swift", 'E'},
    {"bayesian statistics", 'D'}, {"market research", 'C'}, {"service design", 'R'},
    {"m&a due diligence", 'F'}, {"regulatory affairs", 'L'}, {"facilities management", 'O'},
    {"storytelling", 'G'}, {"emotional intelligence", 'G'}, {"decision making", 'G'},
    {"critical thinking", 'G'}, {"relationship building", 'G'}, {"c#", 'E'}, {"scala", 'E'},
    {"kafka", 'E'}, {"redis", 'E'}, {"elasticsearch", 'E'}, {"api design", 'E'},
    {"system design", 'E'}, {"code review", 'E'}, {"test automation", 'E'},
    {"performance tuning", 'E'}, {"network engineering", 'E'}, {"embedded systems", 'E'},
    {"computer vision", 'D'}, {"time series analysis", 'D'}, {"causal inference", 'D'},
    {"dbt", 'D'}, {"airflow", 'D'}, {"looker", 'D'}, {"survey design", 'D'},
    {"data modelling", 'D'}, {"mlops", 'D'}, {"excel vba", 'F'}, {"ifrs", 'F'},
    {"us gaap", 'F'}, {"cost accounting", 'F'}, {"variance analysis", 'F'},
    {"cash flow forecasting", 'F'}, {"credit risk", 'F'}, {"accounts payable", 'F'},
    {"solution selling", 'C'}, {"enterprise sales", 'C'}, {"channel sales", 'C'},
    {"lead generation", 'C'}, {"marketing analytics", 'C'}, {"product marketing", 'C'},
    {"event management", 'C'}, {"customer success management", 'C'}, {"salesforce", 'C'},
    {"hubspot", 'C'}, {"demand generation", 'C'}, {"competitive analysis", 'R'},
    {"product analytics", 'R'}, {"wireframing", 'R'}, {"visual design", 'R'},
    {"motion design", 'R'}, {"design thinking", 'R'}, {"requirements gathering", 'R'},
    {"backlog management", 'R'}, {"scrum", 'G'}, {"kanban", 'O'}, {"process mapping", 'O'},
    {"erp systems", 'O'}, {"sap", 'O'}, {"demand planning", 'O'},
    {"warehouse operations", 'O'}, {"fleet management", 'O'}, {"sourcing strategy", 'O'},
    {"iso 9001", 'O'}, {"business continuity", 'O'}, {"it service management", 'O'},
    {"talent acquisition", 'P'}, {"interviewing", 'P'}, {"learning design", 'P'},
    {"succession planning", 'P'}, {"benefits administration", 'P'}, {"hr analytics", 'P'},
    {"employer branding", 'P'}, {"organisational design", 'P'},
    {"wellbeing programmes", 'P'}, {"anti-money laundering", 'L'},
    {"corporate governance", 'L'}, {"litigation management", 'L'},
    {"contract drafting", 'L'}, {"policy writing", 'L'}, {"export controls", 'L'},
    {"sanctions screening", 'L'}, {"ethics investigations", 'L'}, {"licensing", 'L'},
    {"esg reporting", 'L'}, {"german", 'G'}, {"spanish", 'G'}, {"mandarin", 'G'},
    {"japanese", 'G'}, {"portuguese", 'G'}, {"hindi", 'G'}, {"french", 'G'},
    {"technical writing", 'E'}, {"crisis communication", 'C'}, {"executive presence", 'G'},
    {"delegation", 'G'}, {"giving feedback", 'G'}, {"cross-cultural collaboration", 'G'},
    {"remote team leadership", 'G'}, {"business case writing", 'F'},
    {"vendor negotiation", 'O'}, {"pricing analytics", 'D'}, {"geospatial analysis", 'D'},
    {"reinforcement learning", 'D'}, {"prompt engineering", 'D'}, {"webassembly", 'E'},
    {"haskell", 'E'}, {"php", 'E'}, {"ruby on rails", 'E'}, {"vue.js", 'E'},
    {"angular", 'E'}, {"node.js", 'E'}, {"django", 'E'}, {"spring boot", 'E'},
    {"mysql", 'E'}, {"mongodb", 'E'}, {"azure", 'E'}, {"google cloud", 'E'},
    {"ansible", 'E'}, {"prometheus", 'E'}, {"observability", 'E'},
    {"penetration testing", 'E'}, {"zero trust architecture", 'E'},
    {"identity and access management", 'E'}, {"cryptography", 'E'},
    {"firmware development", 'E'}, {"fpga design", 'E'}, {"quantum computing", 'E'},
    {"game development", 'E'}, {"video production", 'C'}, {"podcasting", 'C'},
};
#define N_ALL_SKILLS ((int)(sizeof SKILLS / sizeof SKILLS[0]))

/* Display name and the ASCII form used in e-mail addresses. */
typedef struct {
    const char *name, *ascii;
} name_t;

static const name_t FIRST_NAMES[] = {
    {"James", "james"}, {"Mary", "mary"}, {"Robert", "robert"}, {"Patricia", "patricia"},
    {"John", "john"}, {"Jennifer", "jennifer"}, {"Michael", "michael"}, {"Linda", "linda"},
    {"David", "david"}, {"Elizabeth", "elizabeth"}, {"William", "william"},
    {"Susan", "susan"}, {"Sarah", "sarah"}, {"Thomas", "thomas"}, {"Emily", "emily"},
    {"Daniel", "daniel"}, {"Olivia", "olivia"}, {"Matthew", "matthew"}, {"Grace", "grace"},
    {"Ryan", "ryan"}, {"Hannah", "hannah"}, {"Oliver", "oliver"}, {"Charlotte", "charlotte"},
    {"Jack", "jack"}, {"Amelia", "amelia"}, {"Lukas", "lukas"}, {"Anna", "anna"},
    {"Jonas", "jonas"}, {"Lena", "lena"}, {"Felix", "felix"}, {"Sophie", "sophie"},
    {"Jürgen", "jurgen"}, {"Käthe", "kathe"}, {"Maximilian", "maximilian"},
    {"Greta", "greta"}, {"José", "jose"}, {"María", "maria"}, {"Lucía", "lucia"},
    {"João", "joao"}, {"Gonçalo", "goncalo"}, {"Camila", "camila"}, {"Mateus", "mateus"},
    {"Beatriz", "beatriz"}, {"Thiago", "thiago"}, {"Ana", "ana"}, {"Chloé", "chloe"},
    {"Léa", "lea"}, {"Hélène", "helene"}, {"François", "francois"}, {"Théo", "theo"},
    {"Søren", "soren"}, {"Åsa", "asa"}, {"Björn", "bjorn"}, {"Ingrid", "ingrid"},
    {"Zoë", "zoe"}, {"Aarav", "aarav"}, {"Priya", "priya"}, {"Rohan", "rohan"},
    {"Ananya", "ananya"}, {"Vikram", "vikram"}, {"Kavya", "kavya"}, {"Arjun", "arjun"},
    {"Divya", "divya"}, {"Rahul", "rahul"}, {"Sneha", "sneha"}, {"Aditya", "aditya"},
    {"Meera", "meera"}, {"Karthik", "karthik"}, {"Lakshmi", "lakshmi"}, {"Suman", "suman"},
    {"Bishnu", "bishnu"}, {"Sita", "sita"}, {"Prakash", "prakash"}, {"Anjali", "anjali"},
    {"Wei", "wei"}, {"Mei", "mei"}, {"Jun", "jun"}, {"Xin", "xin"}, {"Hui Min", "huimin"},
    {"Siew Ling", "siewling"}, {"Yuki", "yuki"}, {"Haruto", "haruto"},
    {"Sakura", "sakura"}, {"Kenji", "kenji"}, {"Min-jun", "minjun"}, {"Ji-woo", "jiwoo"},
    {"Łukasz", "lukasz"}, {"Zofia", "zofia"}, {"Thảo", "thao"}, {"Minh", "minh"},
    {"Siobhán", "siobhan"}, {"Seán", "sean"}, {"Niamh", "niamh"}, {"Omar", "omar"},
    {"Fatima", "fatima"}, {"Layla", "layla"}, {"Yusuf", "yusuf"}, {"Chidi", "chidi"},
    {"Amara", "amara"}, {"Kwame", "kwame"}, {"Nia", "nia"}, {"Mia", "mia"},
    {"Lachlan", "lachlan"}, {"Isla", "isla"}, {"Cooper", "cooper"},
};
#define N_FIRST ((int)(sizeof FIRST_NAMES / sizeof FIRST_NAMES[0]))

static const name_t LAST_NAMES[] = {
    {"Smith", "smith"}, {"Johnson", "johnson"}, {"Williams", "williams"},
    {"Brown", "brown"}, {"Jones", "jones"}, {"Miller", "miller"}, {"Davis", "davis"},
    {"Wilson", "wilson"}, {"Anderson", "anderson"}, {"Taylor", "taylor"},
    {"Thomas", "thomas"}, {"Moore", "moore"}, {"Martin", "martin"}, {"Lee", "lee"},
    {"Walker", "walker"}, {"Hall", "hall"}, {"Young", "young"}, {"King", "king"},
    {"Wright", "wright"}, {"Scott", "scott"}, {"Green", "green"}, {"Baker", "baker"},
    {"Adams", "adams"}, {"Nelson", "nelson"}, {"Hill", "hill"}, {"Campbell", "campbell"},
    {"Müller", "muller"}, {"Schmidt", "schmidt"}, {"Schneider", "schneider"},
    {"Fischer", "fischer"}, {"Weber", "weber"}, {"Wagner", "wagner"}, {"Becker", "becker"},
    {"Hoffmann", "hoffmann"}, {"Schäfer", "schafer"}, {"Köhler", "kohler"},
    {"García", "garcia"}, {"Rodríguez", "rodriguez"}, {"Martínez", "martinez"},
    {"López", "lopez"}, {"González", "gonzalez"}, {"Silva", "silva"}, {"Santos", "santos"},
    {"Oliveira", "oliveira"}, {"Souza", "souza"}, {"Conceição", "conceicao"},
    {"Araújo", "araujo"}, {"Dubois", "dubois"}, {"Lefèvre", "lefevre"},
    {"Moreau", "moreau"}, {"Girard", "girard"}, {"Ångström", "angstrom"},
    {"Johansson", "johansson"}, {"Nielsen", "nielsen"}, {"Lindqvist", "lindqvist"},
    {"Hansen", "hansen"}, {"Sharma", "sharma"}, {"Patel", "patel"}, {"Iyer", "iyer"},
    {"Reddy", "reddy"}, {"Nair", "nair"}, {"Gupta", "gupta"}, {"Singh", "singh"},
    {"Kumar", "kumar"}, {"Menon", "menon"}, {"Rao", "rao"}, {"Chatterjee", "chatterjee"},
    {"Das", "das"}, {"Shrestha", "shrestha"}, {"Gurung", "gurung"}, {"Thapa", "thapa"},
    {"Adhikari", "adhikari"}, {"Rai", "rai"}, {"Wang", "wang"}, {"Li", "li"},
    {"Zhang", "zhang"}, {"Chen", "chen"}, {"Liu", "liu"}, {"Tan", "tan"}, {"Lim", "lim"},
    {"Ng", "ng"}, {"Goh", "goh"}, {"Sato", "sato"}, {"Suzuki", "suzuki"},
    {"Takahashi", "takahashi"}, {"Tanaka", "tanaka"}, {"Kim", "kim"}, {"Park", "park"},
    {"Choi", "choi"}, {"Kowalski", "kowalski"}, {"Wiśniewska", "wisniewska"},
    {"Nowak", "nowak"}, {"Nguyễn", "nguyen"}, {"Trần", "tran"}, {"O'Brien", "obrien"},
    {"Ó Súilleabháin", "osuilleabhain"}, {"O'Connor", "oconnor"}, {"Murphy", "murphy"},
    {"Haddad", "haddad"}, {"Khalil", "khalil"}, {"Mansour", "mansour"},
    {"Okafor", "okafor"}, {"Mensah", "mensah"}, {"Adeyemi", "adeyemi"},
    {"van der Berg", "vanderberg"}, {"de Vries", "devries"},
};
#define N_LAST ((int)(sizeof LAST_NAMES / sizeof LAST_NAMES[0]))

/* Fixed names given to a few early ids, so that every sample exercises
 * non-ASCII text and CSV quoting (a comma, a double quote). */
static const struct {
    int32_t id;
    const char *name, *first, *last;
} SPECIAL_NAMES[] = {
    {2, "José Müller", "jose", "muller"},
    {5, "Zoë Ångström", "zoe", "angstrom"},
    {9, "Chidi Okafor, Jr.", "chidi", "okafor"},
    {14, "Robert \"Bob\" O'Neil", "robert", "oneil"},
};
#define N_SPECIAL ((int)(sizeof SPECIAL_NAMES / sizeof SPECIAL_NAMES[0]))

static const char *const DAYS[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static const char *const EXCLUSION_REASONS[] = {
    "conflict of interest", "HR request", "previous reporting line",
    "requested by employee", "conflict of interest, see HR case file", "same project team",
};
#define N_REASONS ((int)(sizeof EXCLUSION_REASONS / sizeof EXCLUSION_REASONS[0]))

/* --------------------------------------------------------------- model -- */

/* One employee. Until assign_ids, employees are indexed department by
 * department; from then on an employee's index is its id number - 1. */
typedef struct {
    int32_t mgr;    /* index of the manager, -1 for the root */
    int32_t hire;   /* days since 1970-01-01 */
    uint16_t dept;
    uint16_t first, last;
    uint16_t fstart, fend; /* the shared window of a pin, minutes */
    uint8_t grade;  /* 1..15 */
    uint8_t city;
    uint8_t roles;  /* R_* bits */
    uint8_t mcap, hcap; /* 0 = left empty (the default, 2) */
    uint8_t flags;  /* F_* bits */
    int8_t special; /* index into SPECIAL_NAMES, -1 if none */
    int8_t fday;    /* day of the shared window, -1 if none */
} emp_t;

typedef struct {
    int32_t parent; /* department index, -1 for the root */
    int kind;       /* 0..N_KINDS-1, or KIND_COMPANY */
    char name[80];
    int32_t first, count; /* members: a range of indices, head first (until assign_ids) */
    int32_t head;         /* the head's index */
    int city1, city2;     /* the offices the department leans towards */
    double *cdf_skill, *cdf_goal; /* n_skills cumulative weights each */
    int32_t area;         /* business area (see AREA_SIZE) */
} dept_t;

typedef struct {
    int32_t a, b; /* employee indices */
    int reason;   /* index into EXCLUSION_REASONS (exclusions only) */
} pair_t;

typedef struct {
    uint64_t *keys;
    size_t mask;
} pairset_t;

typedef struct {
    int32_t n, n_depts, n_skills, id_width, dept_width;
    int32_t n_areas; /* skill ids are base + n_skills * area */
    int32_t start; /* quarter start, days since 1970-01-01 */
    uint64_t seed;
    rng_t rng;
    emp_t *e;
    dept_t *d;
    uint16_t *sk_id;
    uint8_t *sk_lv, *n_sk;
    uint16_t *g_sk;
    uint8_t *g_tg, *g_pr, *g_tr, *n_g;
    int32_t *mentors, *hosts, *learners;
    int32_t n_mentors, n_hosts, n_learners;
    int32_t *tz_mentors[N_TZ], *tz_hosts[N_TZ];
    int32_t n_tz_mentors[N_TZ], n_tz_hosts[N_TZ];
    pair_t *pins, *excl;
    int32_t n_pins, n_excl;
    pairset_t pinset, exclset;
} company_t;

static void die_oom(void)
{
    fputs("mm-gen: out of memory\n", stderr);
    exit(EXIT_SOFTWARE);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die_oom();
    return p;
}

/* A set of unordered employee pairs (indices). */
static void pairset_init(pairset_t *s, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 4)
        cap <<= 1;
    s->keys = xcalloc(cap, sizeof *s->keys);
    s->mask = cap - 1;
}

static uint64_t pair_key(int32_t a, int32_t b)
{
    uint32_t lo = (uint32_t)(a < b ? a : b), hi = (uint32_t)(a < b ? b : a);
    return (((uint64_t)hi << 32) | lo) + 1; /* 0 marks an empty slot */
}

static size_t pair_slot(const pairset_t *s, uint64_t key)
{
    uint64_t h = key;
    size_t i = (size_t)splitmix64(&h) & s->mask;
    while (s->keys[i] && s->keys[i] != key)
        i = (i + 1) & s->mask;
    return i;
}

static int pairset_has(const pairset_t *s, int32_t a, int32_t b)
{
    uint64_t key = pair_key(a, b);
    return s->keys[pair_slot(s, key)] == key;
}

/* Adds the pair; the caller keeps the load under a quarter. */
static void pairset_add(pairset_t *s, int32_t a, int32_t b)
{
    uint64_t key = pair_key(a, b);
    s->keys[pair_slot(s, key)] = key;
}

static int tz_of(const company_t *c, int32_t i)
{
    return CITIES[c->e[i].city].tz;
}

static int level_of(const company_t *c, int32_t i, int skill)
{
    const uint16_t *ids = c->sk_id + (size_t)i * MAX_SKILLS;
    for (int k = 0; k < c->n_sk[i]; k++)
        if (ids[k] == skill)
            return c->sk_lv[(size_t)i * MAX_SKILLS + k];
    return 0;
}

static int has_goal(const company_t *c, int32_t i, int skill)
{
    const uint16_t *g = c->g_sk + (size_t)i * MAX_GOALS;
    for (int k = 0; k < c->n_g[i]; k++)
        if (g[k] == skill)
            return 1;
    return 0;
}

/* Does partner p cover one of learner l's goals open to `track`
 * (level >= target and above the learner's own level)? */
static int covers(const company_t *c, int32_t p, int32_t l, int track)
{
    for (int k = 0; k < c->n_g[l]; k++) {
        size_t g = (size_t)l * MAX_GOALS + k;
        if (c->g_tr[g] != T_ANY && c->g_tr[g] != track)
            continue;
        int lp = level_of(c, p, c->g_sk[g]);
        if (lp >= c->g_tg[g] && lp > level_of(c, l, c->g_sk[g]))
            return 1;
    }
    return 0;
}

static int has_goal_on(const company_t *c, int32_t l, int track)
{
    for (int k = 0; k < c->n_g[l]; k++) {
        int t = c->g_tr[(size_t)l * MAX_GOALS + k];
        if (t == T_ANY || t == track)
            return 1;
    }
    return 0;
}

/* Is a a manager of b within `levels` steps up b's chain? */
static int manages_within(const company_t *c, int32_t a, int32_t b, int levels)
{
    int32_t m = c->e[b].mgr;
    for (int k = 0; k < levels && m >= 0; k++, m = c->e[m].mgr)
        if (m == a)
            return 1;
    return 0;
}

/* --------------------------------------------------------- structure -- */

static int draw_city(rng_t *r)
{
    int w[N_CITIES];
    for (int i = 0; i < N_CITIES; i++)
        w[i] = CITIES[i].share;
    return rng_weighted(r, w, N_CITIES);
}

/*
 * Members [first, first + count) report to `parent`; when there are more
 * than SPAN of them the first ones become leads, the rest are shared out
 * among them, and the leads are grouped the same way. Every manager thus
 * has a lower index than its reports.
 */
static void build_team(company_t *c, int32_t first, int32_t count, int32_t parent)
{
    while (count > SPAN) {
        int32_t leads = (count + SPAN) / (SPAN + 1);
        for (int32_t i = first + leads; i < first + count; i++)
            c->e[i].mgr = first + (int32_t)rng_below(&c->rng, (uint32_t)leads);
        count = leads;
    }
    for (int32_t i = first; i < first + count; i++)
        c->e[i].mgr = parent;
}

static void build_departments(company_t *c)
{
    int32_t n = c->n;
    int32_t n_div = 0, n_leaf = 0;
    if (n >= 12) {
        n_leaf = (int32_t)lround(0.3 * sqrt((double)n));
        if (n_leaf < 1)
            n_leaf = 1;
        n_div = (int32_t)lround(0.9 * sqrt((double)n_leaf));
        if (n_div < 1)
            n_div = 1;
        if (n_div > n_leaf)
            n_div = n_leaf;
    }
    c->n_depts = 1 + n_div + n_leaf;
    c->dept_width = c->n_depts > 999 ? (c->n_depts > 9999 ? 5 : 4) : 3;
    c->d = xcalloc((size_t)c->n_depts, sizeof *c->d);

    /* Staff sizes: the root and the divisions keep a small office. */
    int32_t root_staff = n_div ? n / 150 : n - 1;
    if (n_div && root_staff > 8)
        root_staff = 8;
    int32_t div_staff = n_div ? n / (150 * n_div) : 0;
    if (div_staff > 6)
        div_staff = 6;
    int32_t rest = n - (1 + root_staff) - n_div * (1 + div_staff);

    dept_t *root = &c->d[0];
    root->parent = -1;
    root->kind = KIND_COMPANY;
    snprintf(root->name, sizeof root->name, "Company");
    root->first = 0;
    root->count = 1 + root_staff;
    int32_t next = root->count;

    int kind_uses[N_KINDS] = {0};
    for (int32_t v = 0; v < n_div; v++) {
        dept_t *dv = &c->d[1 + v];
        dv->parent = 0;
        dv->kind = v % N_KINDS;
        if (kind_uses[dv->kind]++)
            snprintf(dv->name, sizeof dv->name, "%s %d", KIND_NAMES[dv->kind],
                     kind_uses[dv->kind]);
        else
            snprintf(dv->name, sizeof dv->name, "%s", KIND_NAMES[dv->kind]);
        dv->first = next;
        dv->count = 1 + div_staff;
        next += dv->count;
    }

    /* Leaves: lognormal sizes, at least one member (the head) each. */
    double *w = xcalloc((size_t)(n_leaf ? n_leaf : 1), sizeof *w);
    double wsum = 0;
    for (int32_t j = 0; j < n_leaf; j++) {
        w[j] = exp(0.5 * rng_gauss(&c->rng));
        wsum += w[j];
    }
    int32_t spare = rest - n_leaf, given = 0;
    int32_t *sizes = xcalloc((size_t)(n_leaf ? n_leaf : 1), sizeof *sizes);
    for (int32_t j = 0; j < n_leaf; j++) {
        sizes[j] = 1 + (int32_t)floor(w[j] / wsum * spare);
        given += sizes[j] - 1;
    }
    for (int32_t j = 0; given < spare; j = (j + 1) % n_leaf, given++)
        sizes[j]++;

    int leaf_uses[N_KINDS][N_LEAF_NAMES] = {{0}};
    int32_t *div_leaves = xcalloc((size_t)(n_div ? n_div : 1), sizeof *div_leaves);
    int name_offset[N_KINDS];
    for (int k = 0; k < N_KINDS; k++)
        name_offset[k] = (int)rng_below(&c->rng, N_LEAF_NAMES);
    for (int32_t j = 0; j < n_leaf; j++) {
        dept_t *lf = &c->d[1 + n_div + j];
        int32_t v = j < n_div ? j : (int32_t)rng_below(&c->rng, (uint32_t)n_div);
        lf->parent = 1 + v;
        lf->kind = c->d[1 + v].kind;
        int base = (int)((div_leaves[v]++ + name_offset[lf->kind]) % N_LEAF_NAMES);
        int use = ++leaf_uses[lf->kind][base];
        if (use > 1)
            snprintf(lf->name, sizeof lf->name, "%s %d", LEAF_NAMES[lf->kind][base], use);
        else
            snprintf(lf->name, sizeof lf->name, "%s", LEAF_NAMES[lf->kind][base]);
        lf->first = next;
        lf->count = sizes[j];
        lf->area = j % c->n_areas;
        next += sizes[j];
    }
    free(w);
    free(sizes);
    free(div_leaves);

    for (int32_t k = 0; k < c->n_depts; k++) {
        dept_t *dp = &c->d[k];
        dp->city1 = draw_city(&c->rng);
        do
            dp->city2 = draw_city(&c->rng);
        while (dp->city2 == dp->city1);
        for (int32_t i = dp->first; i < dp->first + dp->count; i++)
            c->e[i].dept = (uint16_t)k;
    }
}

/* Managers: department heads report to the head of the parent department;
 * inside a department, build_team. */
static void build_managers(company_t *c)
{
    for (int32_t k = 0; k < c->n_depts; k++) {
        dept_t *dp = &c->d[k];
        int32_t head = dp->head = dp->first;
        c->e[head].mgr = dp->parent < 0 ? -1 : c->d[dp->parent].first;
        build_team(c, head + 1, dp->count - 1, head);
    }
}

/* Individual contributors: grades 1..12, most of them 4..8. */
static int draw_ic_grade(rng_t *r)
{
    static const int w[12] = {2, 4, 7, 10, 13, 14, 13, 11, 8, 5, 3, 1};
    return 1 + rng_weighted(r, w, 12);
}

/*
 * Grades top-down (managers have lower indices than their reports): the
 * root is 15, a head or lead one or two grades below their own manager
 * (never under 2), an individual contributor drawn from the middle-heavy
 * distribution below their manager's grade. So every manager outranks
 * their reports. Hire dates: managers and seniors have longer tenure.
 */
static void assign_grades(company_t *c)
{
    uint8_t *leads = xcalloc((size_t)c->n, 1);
    for (int32_t i = 0; i < c->n; i++)
        if (c->e[i].mgr >= 0)
            leads[c->e[i].mgr] = 1;
    for (int32_t i = 0; i < c->n; i++) {
        emp_t *e = &c->e[i];
        int top = e->mgr < 0 ? 16 : c->e[e->mgr].grade, g;
        if (e->mgr < 0)
            g = 15;
        else if (leads[i])
            g = top - 1 - (c->d[e->dept].head != i && rng_unit(&c->rng) < 0.3);
        else {
            g = draw_ic_grade(&c->rng);
            for (int tries = 0; g >= top && tries < 3; tries++)
                g = draw_ic_grade(&c->rng);
            if (g >= top)
                g = top - 1 - (int)rng_below(&c->rng, 2);
        }
        if (g < (leads[i] ? 2 : 1))
            g = leads[i] ? 2 : 1;
        e->grade = (uint8_t)g;
        double years = -log(1.0 - rng_unit(&c->rng)) * 3.5 + (g > 6 ? (g - 6) * 0.4 : 0);
        if (leads[i])
            years += 2.0;
        if (e->mgr < 0)
            years += 8.0;
        if (years > 30.0)
            years = 30.0;
        e->hire = c->start - 1 - (int32_t)(years * 365.25);
    }
    free(leads);
}

/* qsort has no context argument: sort (hire, index) keys packed in 64 bits. */
static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/*
 * Ids follow hire order, as employee numbers do. The employees are then
 * renumbered so that an employee's index is its id: every later pass and
 * every table walks memory in order.
 */
static void assign_ids(company_t *c)
{
    uint64_t *keys = xcalloc((size_t)c->n, sizeof *keys);
    for (int32_t i = 0; i < c->n; i++)
        keys[i] = ((uint64_t)(uint32_t)(c->e[i].hire + 0x40000000) << 32) | (uint32_t)i;
    qsort(keys, (size_t)c->n, sizeof *keys, cmp_u64);
    int32_t *id_of = xcalloc((size_t)c->n, sizeof *id_of);
    for (int32_t k = 0; k < c->n; k++)
        id_of[keys[k] & 0xffffffffu] = k;
    emp_t *by_id = xcalloc((size_t)c->n, sizeof *by_id);
    for (int32_t i = 0; i < c->n; i++) {
        emp_t *e = &by_id[id_of[i]];
        *e = c->e[i];
        if (e->mgr >= 0)
            e->mgr = id_of[e->mgr];
    }
    for (int32_t k = 0; k < c->n_depts; k++)
        c->d[k].head = id_of[c->d[k].head];
    free(c->e);
    c->e = by_id;
    free(id_of);
    free(keys);
    int32_t top = c->n;
    int width = 1;
    for (; top >= 10; top /= 10)
        width++;
    c->id_width = width < 6 ? 6 : width;
}

/* Offices: members lean towards their department's two offices. Then every
 * time zone is given at least a few people (moved from the largest zone),
 * so that small companies still show each zone. */
static void assign_cities(company_t *c)
{
    for (int32_t i = 0; i < c->n; i++) {
        const dept_t *dp = &c->d[c->e[i].dept];
        double u = rng_unit(&c->rng);
        int city;
        if (i == dp->head || u < 0.4)
            city = dp->city1;
        else if (u < 0.55)
            city = dp->city2;
        else
            city = draw_city(&c->rng);
        c->e[i].city = (uint8_t)city;
    }
    int32_t want = c->n / 20 < 5 ? c->n / 20 : 5;
    int32_t count[N_TZ] = {0};
    for (int32_t i = 0; i < c->n; i++)
        count[tz_of(c, i)]++;
    for (int tz = 0; tz < N_TZ; tz++) {
        int city = 0;
        while (CITIES[city].tz != tz)
            city++;
        while (count[tz] < want) {
            int donor = 0;
            for (int t = 1; t < N_TZ; t++)
                if (count[t] > count[donor])
                    donor = t;
            int32_t i = (int32_t)rng_below(&c->rng, (uint32_t)c->n);
            while (tz_of(c, i) != donor || c->e[i].mgr < 0)
                i = (i + 1) % c->n;
            c->e[i].city = (uint8_t)city;
            count[donor]--;
            count[tz]++;
        }
    }
}

/* Role mixes per mille, by seniority: juniors mostly learn, seniors mostly
 * mentor or host; about a tenth take no part. Order: none, L, M, H, LM, LH,
 * MH, LMH. */
static const int ROLE_MIX[8] = {0, R_LEARNER, R_MENTOR, R_HOST, R_LEARNER | R_MENTOR,
                                R_LEARNER | R_HOST, R_MENTOR | R_HOST,
                                R_LEARNER | R_MENTOR | R_HOST};
static const int ROLE_JUNIOR[8] = {100, 790, 10, 80, 0, 20, 0, 0};
static const int ROLE_SENIOR[8] = {100, 250, 380, 245, 5, 0, 20, 0};

static int draw_capacity(rng_t *r)
{
    static const int w[4] = {50, 15, 15, 20}; /* empty (default), 1, 2, 3 */
    return rng_weighted(r, w, 4);
}

/* The role mix index for a point x in [0, 1) of the mix's per-mille table. */
static int role_at(const int *mix, double x)
{
    int at = (int)(x * 1000.0), k = 0;
    while (k < 7 && at >= mix[k])
        at -= mix[k++];
    return k;
}

/* Names, roles, capacities. Roles walk a golden-ratio sequence per
 * seniority class rather than independent draws, so that even a small
 * company shows the intended shares. */
static void assign_people(company_t *c)
{
    double pos[2] = {rng_unit(&c->rng), rng_unit(&c->rng)};
    for (int32_t i = 0; i < c->n; i++) {
        emp_t *e = &c->e[i];
        e->first = (uint16_t)rng_below(&c->rng, N_FIRST);
        e->last = (uint16_t)rng_below(&c->rng, N_LAST);
        e->special = -1;
        e->fday = -1;
        int senior = e->grade >= 6;
        e->roles = (uint8_t)ROLE_MIX[role_at(senior ? ROLE_SENIOR : ROLE_JUNIOR, pos[senior])];
        pos[senior] += 0.6180339887498949;
        if (pos[senior] >= 1.0)
            pos[senior] -= 1.0;
        if (e->roles & R_MENTOR)
            e->mcap = (uint8_t)draw_capacity(&c->rng);
        if (e->roles & R_HOST)
            e->hcap = (uint8_t)draw_capacity(&c->rng);
        if (rng_unit(&c->rng) < 0.01)
            e->flags |= F_NOAVAIL;
    }
    for (int k = 0; k < N_SPECIAL; k++)
        if (SPECIAL_NAMES[k].id < c->n)
            c->e[SPECIAL_NAMES[k].id].special = (int8_t)k;
}

/* Role lists in id order, overall and per time zone; called again when
 * someone has moved office. */
static void build_role_lists(company_t *c)
{
    if (!c->mentors) {
        c->mentors = xcalloc((size_t)c->n, sizeof(int32_t));
        c->hosts = xcalloc((size_t)c->n, sizeof(int32_t));
        c->learners = xcalloc((size_t)c->n, sizeof(int32_t));
        for (int t = 0; t < N_TZ; t++) {
            c->tz_mentors[t] = xcalloc((size_t)c->n, sizeof(int32_t));
            c->tz_hosts[t] = xcalloc((size_t)c->n, sizeof(int32_t));
        }
    }
    c->n_learners = c->n_mentors = c->n_hosts = 0;
    for (int t = 0; t < N_TZ; t++)
        c->n_tz_mentors[t] = c->n_tz_hosts[t] = 0;
    for (int32_t i = 0; i < c->n; i++) {
        int t = tz_of(c, i);
        if (c->e[i].roles & R_LEARNER)
            c->learners[c->n_learners++] = i;
        if (c->e[i].roles & R_MENTOR) {
            c->mentors[c->n_mentors++] = i;
            c->tz_mentors[t][c->n_tz_mentors[t]++] = i;
        }
        if (c->e[i].roles & R_HOST) {
            c->hosts[c->n_hosts++] = i;
            c->tz_hosts[t][c->n_tz_hosts[t]++] = i;
        }
    }
}

/* --------------------------------------------------------------- skills -- */

/* Per department: Zipf-like popularity, boosted for the department's own
 * category and for a handful of its pet skills. Goals lean harder towards
 * the popular end. */
static void build_skill_tables(company_t *c)
{
    int32_t v = c->n_skills;
    for (int32_t k = 0; k < c->n_depts; k++) {
        dept_t *dp = &c->d[k];
        char cat = KIND_CATEGORY[dp->kind];
        dp->cdf_skill = xcalloc((size_t)v, sizeof(double));
        dp->cdf_goal = xcalloc((size_t)v, sizeof(double));
        double *boost = xcalloc((size_t)v, sizeof(double));
        for (int32_t s = 0; s < v; s++)
            boost[s] = 1.0;
        for (int j = 0; j < 6; j++)
            boost[rng_below(&c->rng, (uint32_t)v)] = 3.0;
        double acc_s = 0, acc_g = 0;
        for (int32_t s = 0; s < v; s++) {
            double mult = SKILLS[s].cat == cat ? 5.0 : SKILLS[s].cat == 'G' ? 2.0 : 1.0;
            acc_s += mult * boost[s] * pow((double)s + 1.0, -0.9);
            double gmult = SKILLS[s].cat == cat ? 3.0 : SKILLS[s].cat == 'G' ? 1.5 : 1.0;
            acc_g += gmult * pow((double)s + 1.0, -1.3);
            dp->cdf_skill[s] = acc_s;
            dp->cdf_goal[s] = acc_g;
        }
        free(boost);
    }
}

static int sample_cdf(rng_t *r, const double *cdf, int32_t n)
{
    double u = rng_unit(r) * cdf[n - 1];
    int32_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int clamp_level(double x, int lo, int hi)
{
    long v = lround(x);
    return v < lo ? lo : v > hi ? hi : (int)v;
}

/*
 * Business areas. A company of millions does not share one pool of 142
 * skills: Python in Payments is not Python in Search. Every AREA_SIZE
 * employees make one business area (a leaf department belongs to area
 * leaf % n_areas), with its own variant of each skill, named
 * "skill (area N)"; one skill or goal in AREA_CROSS is drawn from another
 * area (the cross-area experts). At or below AREA_SIZE employees there is
 * one area and the output is as it always was.
 */
#define AREA_SIZE 10000
#define AREA_CROSS 0.1

static int32_t area_of(company_t *c, const dept_t *dp)
{
    if (rng_unit(&c->rng) < AREA_CROSS)
        return (int32_t)rng_below(&c->rng, (uint32_t)c->n_areas);
    return dp->area;
}


/* 3..8 distinct skills; levels follow grade with noise; a mentor's first
 * skill is their speciality, one level up. */
static void assign_skills(company_t *c)
{
    static const int count_w[6] = {15, 20, 22, 18, 14, 11};
    for (int32_t i = 0; i < c->n; i++) {
        const emp_t *e = &c->e[i];
        const dept_t *dp = &c->d[e->dept];
        int cnt = 3 + rng_weighted(&c->rng, count_w, 6);
        double base = 1.0 + (e->grade - 1) * 4.0 / 14.0;
        uint16_t *ids = c->sk_id + (size_t)i * MAX_SKILLS;
        uint8_t *lv = c->sk_lv + (size_t)i * MAX_SKILLS;
        int n = 0;
        while (n < cnt) {
            int s = sample_cdf(&c->rng, dp->cdf_skill, c->n_skills);
            if (c->n_areas > 1)
                s += c->n_skills * area_of(c, dp);
            int dup = 0;
            for (int j = 0; j < n; j++)
                dup |= ids[j] == s;
            if (dup)
                continue;
            int level = clamp_level(base + 0.8 * rng_gauss(&c->rng), 1, 5);
            if (n == 0 && (e->roles & R_MENTOR) && level < 5)
                level++;
            ids[n] = (uint16_t)s;
            lv[n] = (uint8_t)level;
            n++;
        }
        c->n_sk[i] = (uint8_t)n;
    }
}

/* 1..4 goals per learner (none for about 2%): some raise a skill they
 * have, most start a popular one; the target is above their level. */
static void assign_goals(company_t *c)
{
    static const int count_w[4] = {25, 35, 25, 15};
    static const int prio_w[3] = {25, 50, 25};
    static const int track_w[3] = {70, 18, 12}; /* any, mentoring, shadowing */
    static const int new_target_w[3] = {30, 45, 25};
    for (int32_t k = 0; k < c->n_learners; k++) {
        int32_t i = c->learners[k];
        if (rng_unit(&c->rng) < 0.02)
            continue;
        const dept_t *dp = &c->d[c->e[i].dept];
        int cnt = 1 + rng_weighted(&c->rng, count_w, 4);
        size_t g0 = (size_t)i * MAX_GOALS;
        for (int tries = 0; c->n_g[i] < cnt && tries < 40; tries++) {
            int s;
            if (rng_unit(&c->rng) < 0.35)
                s = c->sk_id[(size_t)i * MAX_SKILLS + rng_below(&c->rng, c->n_sk[i])];
            else {
                s = sample_cdf(&c->rng, dp->cdf_goal, c->n_skills);
                if (c->n_areas > 1)
                    s += c->n_skills * area_of(c, dp);
            }
            int own = level_of(c, i, s);
            if (own >= 5 || has_goal(c, i, s))
                continue;
            int target = own ? own + 1 + (rng_unit(&c->rng) < 0.35)
                             : 1 + rng_weighted(&c->rng, new_target_w, 3);
            if (target > 5)
                target = 5;
            size_t g = g0 + c->n_g[i];
            c->g_sk[g] = (uint16_t)s;
            c->g_tg[g] = (uint8_t)target;
            c->g_pr[g] = (uint8_t)(1 + rng_weighted(&c->rng, prio_w, 3));
            c->g_tr[g] = (uint8_t)rng_weighted(&c->rng, track_w, 3);
            c->n_g[i]++;
        }
    }
}

/* ------------------------------------------------------ relationships -- */

/*
 * A plausible partner for learner l with role `role`: mostly from the
 * learner's time zone, senior enough (mentors at least one grade up) and,
 * when `cover` is set, able to teach one of the learner's goals. Falls back
 * to any other holder of the role; -1 when there is none.
 */
static int32_t find_partner(company_t *c, int32_t l, int role, int cover)
{
    int tz = tz_of(c, l);
    const int32_t *local = role == R_MENTOR ? c->tz_mentors[tz] : c->tz_hosts[tz];
    int32_t n_local = role == R_MENTOR ? c->n_tz_mentors[tz] : c->n_tz_hosts[tz];
    const int32_t *all = role == R_MENTOR ? c->mentors : c->hosts;
    int32_t n_all = role == R_MENTOR ? c->n_mentors : c->n_hosts;
    int track = role == R_MENTOR ? T_MENTORING : T_SHADOWING;
    int gap = role == R_MENTOR ? 1 : 0;
    if (n_all == 0)
        return -1;
    for (int tries = 0; tries < 24; tries++) {
        int32_t p = (n_local && rng_unit(&c->rng) < 0.6)
                        ? local[rng_below(&c->rng, (uint32_t)n_local)]
                        : all[rng_below(&c->rng, (uint32_t)n_all)];
        if (p == l || c->e[p].grade < c->e[l].grade + gap)
            continue;
        if (cover && !covers(c, p, l, track))
            continue;
        return p;
    }
    for (int tries = 0; tries < 8; tries++) {
        int32_t p = all[rng_below(&c->rng, (uint32_t)n_all)];
        if (p != l)
            return p;
    }
    return -1;
}

/* Could (l, m) be pinned: every hard rule of SPEC section 4 under the
 * default configuration, except availability, which the caller then
 * guarantees with one shared window (same time zone). Peers (same manager)
 * are avoided unless `peers`, so pins also hold with exclude_peers. */
static int pin_ok(const company_t *c, int32_t l, int32_t m, int peers)
{
    const emp_t *el = &c->e[l], *em = &c->e[m];
    if (l == m || !(el->roles & R_LEARNER) || !(em->roles & R_MENTOR))
        return 0;
    if ((el->flags | em->flags) & (F_NOAVAIL | F_PINNED))
        return 0;
    if (tz_of(c, l) != tz_of(c, m) || em->grade < el->grade + 1)
        return 0;
    if (manages_within(c, l, m, 2) || manages_within(c, m, l, 2))
        return 0;
    if (!peers && el->mgr >= 0 && el->mgr == em->mgr)
        return 0;
    return covers(c, m, l, T_MENTORING);
}

static void add_pin(company_t *c, int32_t l, int32_t m)
{
    int day = 1 + (int)rng_below(&c->rng, 3); /* tue..thu */
    int start = 9 * 60 + 30 * (int)rng_below(&c->rng, 13);
    int32_t who[2] = {l, m};
    for (int k = 0; k < 2; k++) {
        emp_t *e = &c->e[who[k]];
        e->flags |= F_PINNED;
        e->fday = (int8_t)day;
        e->fstart = (uint16_t)start;
        e->fend = (uint16_t)(start + 90);
    }
    c->pins[c->n_pins].a = l;
    c->pins[c->n_pins].b = m;
    c->n_pins++;
    pairset_add(&c->pinset, l, m);
}

/*
 * About one pin per 300 employees (at least one where possible): learners
 * in random order, each tried against mentors of their own time zone. When
 * a small company yields none, one pair is made to fit: the mentor moves
 * to the learner's office and learns the goal's skill.
 */
static void make_pins(company_t *c)
{
    int32_t want = c->n / 300 > 1 ? c->n / 300 : 1;
    c->pins = xcalloc((size_t)want, sizeof *c->pins);
    pairset_init(&c->pinset, (size_t)want);
    int32_t *order = xcalloc((size_t)c->n_learners + 1, sizeof *order);
    memcpy(order, c->learners, (size_t)c->n_learners * sizeof *order);
    for (int32_t k = c->n_learners - 1; k > 0; k--) {
        int32_t j = (int32_t)rng_below(&c->rng, (uint32_t)k + 1);
        int32_t t = order[k];
        order[k] = order[j];
        order[j] = t;
    }
    for (int32_t k = 0; k < c->n_learners && c->n_pins < want; k++) {
        int32_t l = order[k];
        int tz = tz_of(c, l);
        if (!has_goal_on(c, l, T_MENTORING) || c->n_tz_mentors[tz] == 0)
            continue;
        for (int tries = 0; tries < 64; tries++) {
            int32_t m = c->tz_mentors[tz][rng_below(&c->rng, (uint32_t)c->n_tz_mentors[tz])];
            if (pin_ok(c, l, m, 0)) {
                add_pin(c, l, m);
                break;
            }
        }
    }
    for (int32_t k = 0; k < c->n_learners && c->n_pins == 0; k++) {
        int32_t l = order[k];
        if (!has_goal_on(c, l, T_MENTORING) || (c->e[l].flags & F_NOAVAIL))
            continue;
        size_t g = (size_t)l * MAX_GOALS;
        while (c->g_tr[g] == T_SHADOWING)
            g++;
        for (int32_t j = 0; j < c->n_mentors; j++) {
            int32_t m = c->mentors[j];
            emp_t *em = &c->e[m];
            if (m == l || em->grade < c->e[l].grade + 1 || manages_within(c, l, m, 2) ||
                manages_within(c, m, l, 2))
                continue;
            int s = c->g_sk[g];
            if (has_goal(c, m, s))
                continue;
            em->city = c->e[l].city;
            em->flags &= (uint8_t)~F_NOAVAIL;
            uint16_t *ids = c->sk_id + (size_t)m * MAX_SKILLS;
            uint8_t *lv = c->sk_lv + (size_t)m * MAX_SKILLS;
            int slot = 0;
            while (slot < c->n_sk[m] && ids[slot] != s)
                slot++;
            if (slot == c->n_sk[m]) {
                if (c->n_sk[m] < MAX_SKILLS)
                    c->n_sk[m]++;
                else
                    slot = MAX_SKILLS - 1; /* replaces a skill that is not s */
                ids[slot] = (uint16_t)s;
                lv[slot] = 0;
            }
            if (lv[slot] < c->g_tg[g])
                lv[slot] = c->g_tg[g];
            if (pin_ok(c, l, m, 1))
                add_pin(c, l, m);
            break;
        }
    }
    free(order);
}

/* A few exclusions per thousand employees: mostly a learner and someone
 * they might otherwise be matched with, some arbitrary pairs. Never a
 * pinned pair, never the same pair twice. Sorted by ids. */
static int cmp_pair(const void *pa, const void *pb)
{
    const pair_t *a = pa, *b = pb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

static void make_exclusions(company_t *c)
{
    int32_t want = c->n * 3 / 1000 > 2 ? c->n * 3 / 1000 : 2;
    if (c->n < 4)
        want = 0;
    c->excl = xcalloc((size_t)want + 1, sizeof *c->excl);
    pairset_init(&c->exclset, (size_t)want);
    for (int32_t tries = 0; c->n_excl < want && tries < want * 20; tries++) {
        int32_t a, b;
        if (c->n_learners && rng_unit(&c->rng) < 0.6) {
            a = c->learners[rng_below(&c->rng, (uint32_t)c->n_learners)];
            b = find_partner(c, a, rng_unit(&c->rng) < 0.7 ? R_MENTOR : R_HOST, 1);
        } else {
            a = (int32_t)rng_below(&c->rng, (uint32_t)c->n);
            b = (int32_t)rng_below(&c->rng, (uint32_t)c->n);
        }
        if (b < 0 || a == b || pairset_has(&c->pinset, a, b) || pairset_has(&c->exclset, a, b))
            continue;
        pairset_add(&c->exclset, a, b);
        c->excl[c->n_excl].a = a;
        c->excl[c->n_excl].b = b;
        c->excl[c->n_excl].reason = (int)rng_below(&c->rng, N_REASONS);
        c->n_excl++;
    }
    qsort(c->excl, (size_t)c->n_excl, sizeof *c->excl, cmp_pair);
    qsort(c->pins, (size_t)c->n_pins, sizeof *c->pins, cmp_pair);
}

/* -------------------------------------------------------------- output -- */

typedef struct {
    FILE *f;
    int err;
    size_t n;
    char tmp[PATH_BYTES], path[PATH_BYTES];
    char buf[OBUF_BYTES];
} out_t;

/* Opens DIR/.NAME.tmp.PID for writing; exits 73 when it cannot. */
static out_t *ob_open(const char *dir, const char *name)
{
    out_t *o = xcalloc(1, sizeof *o);
    int a = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    int b = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
    if (a < 0 || b < 0 || (size_t)a >= sizeof o->path || (size_t)b >= sizeof o->tmp) {
        fprintf(stderr, "mm-gen: %s: path too long\n", dir);
        exit(EXIT_CANTCREAT);
    }
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        fprintf(stderr, "mm-gen: %s: %s\n", o->tmp, strerror(errno));
        exit(EXIT_CANTCREAT);
    }
    return o;
}

static void ob_flush(out_t *o)
{
    if (o->n && fwrite(o->buf, 1, o->n, o->f) != o->n)
        o->err = errno ? errno : EIO;
    o->n = 0;
}

static void ob_mem(out_t *o, const char *s, size_t len)
{
    if (o->n + len > sizeof o->buf)
        ob_flush(o);
    if (len > sizeof o->buf) {
        if (fwrite(s, 1, len, o->f) != len)
            o->err = errno ? errno : EIO;
        return;
    }
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

static void ob_str(out_t *o, const char *s)
{
    ob_mem(o, s, strlen(s));
}

static void ob_ch(out_t *o, char ch)
{
    if (o->n == sizeof o->buf)
        ob_flush(o);
    o->buf[o->n++] = ch;
}

/* v in decimal, zero-padded to at least `width` digits. */
static void ob_pad(out_t *o, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < (int)sizeof tmp)
        tmp[n++] = '0';
    if (o->n + (size_t)n > sizeof o->buf)
        ob_flush(o);
    while (n)
        o->buf[o->n++] = tmp[--n];
}

static void ob_uint(out_t *o, uint64_t v)
{
    ob_pad(o, v, 1);
}

/* A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
static void ob_field(out_t *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        ob_str(o, s);
        return;
    }
    ob_ch(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            ob_ch(o, '"');
        ob_ch(o, *s);
    }
    ob_ch(o, '"');
}

static void ob_skill(out_t *o, const company_t *c, int32_t id)
{
    char name[96];
    if (c->n_areas <= 1) {
        ob_field(o, SKILLS[id].name);
        return;
    }
    snprintf(name, sizeof name, "%s (area %d)", SKILLS[id % c->n_skills].name,
             (int)(id / c->n_skills) + 1);
    ob_field(o, name);
}

static void ob_emp(out_t *o, const company_t *c, int32_t i)
{
    ob_ch(o, 'E');
    ob_pad(o, (uint64_t)i + 1, c->id_width);
}

static void ob_dept(out_t *o, const company_t *c, int32_t k)
{
    ob_ch(o, 'D');
    ob_pad(o, (uint64_t)k + 1, c->dept_width);
}

static void ob_date(out_t *o, int32_t days)
{
    int32_t y, m, d;
    civil_from_days(days, &y, &m, &d);
    ob_pad(o, (uint64_t)y, 4);
    ob_ch(o, '-');
    ob_pad(o, (uint64_t)m, 2);
    ob_ch(o, '-');
    ob_pad(o, (uint64_t)d, 2);
}

static void ob_hhmm(out_t *o, int minutes)
{
    ob_pad(o, (uint64_t)(minutes / 60), 2);
    ob_ch(o, ':');
    ob_pad(o, (uint64_t)(minutes % 60), 2);
}

/* Flushes, closes and renames into place; exits 74 on a write error. */
static void ob_close(out_t *o)
{
    ob_flush(o);
    if (fclose(o->f) != 0 && !o->err)
        o->err = errno ? errno : EIO;
    if (!o->err && rename(o->tmp, o->path) != 0)
        o->err = errno ? errno : EIO;
    if (o->err) {
        fprintf(stderr, "mm-gen: %s: %s\n", o->path, strerror(o->err));
        remove(o->tmp);
        exit(EXIT_IOERR);
    }
    free(o);
}

static void write_departments(const company_t *c, const char *dir)
{
    out_t *o = ob_open(dir, "departments.csv");
    ob_str(o, "id,name,parent_id\n");
    for (int32_t k = 0; k < c->n_depts; k++) {
        ob_dept(o, c, k);
        ob_ch(o, ',');
        ob_field(o, c->d[k].name);
        ob_ch(o, ',');
        if (c->d[k].parent >= 0)
            ob_dept(o, c, c->d[k].parent);
        ob_ch(o, '\n');
    }
    ob_close(o);
}

static void ob_roles(out_t *o, int roles)
{
    const char *sep = "";
    if (roles & R_LEARNER) {
        ob_str(o, "learner");
        sep = ";";
    }
    if (roles & R_MENTOR) {
        ob_str(o, sep);
        ob_str(o, "mentor");
        sep = ";";
    }
    if (roles & R_HOST) {
        ob_str(o, sep);
        ob_str(o, "host");
    }
}

static void write_employees(const company_t *c, const char *dir)
{
    out_t *o = ob_open(dir, "employees.csv");
    ob_str(o, "id,name,email,department,grade,timezone,roles,manager_id,location,"
              "hire_date,mentor_capacity,host_capacity,cost_center\n");
    char name[160];
    for (int32_t i = 0; i < c->n; i++) {
        const emp_t *e = &c->e[i];
        const char *first = FIRST_NAMES[e->first].ascii, *last = LAST_NAMES[e->last].ascii;
        if (e->special >= 0) {
            snprintf(name, sizeof name, "%s", SPECIAL_NAMES[e->special].name);
            first = SPECIAL_NAMES[e->special].first;
            last = SPECIAL_NAMES[e->special].last;
        } else {
            snprintf(name, sizeof name, "%s %s", FIRST_NAMES[e->first].name,
                     LAST_NAMES[e->last].name);
        }
        ob_emp(o, c, i);
        ob_ch(o, ',');
        ob_field(o, name);
        ob_ch(o, ',');
        ob_str(o, first);
        ob_ch(o, '.');
        ob_str(o, last);
        ob_ch(o, '.');
        ob_uint(o, (uint64_t)i + 1);
        ob_str(o, "@acme.example,");
        ob_dept(o, c, e->dept);
        ob_ch(o, ',');
        ob_uint(o, e->grade);
        ob_ch(o, ',');
        ob_str(o, TIMEZONES[CITIES[e->city].tz]);
        ob_ch(o, ',');
        ob_roles(o, e->roles);
        ob_ch(o, ',');
        if (e->mgr >= 0)
            ob_emp(o, c, e->mgr);
        ob_ch(o, ',');
        ob_field(o, CITIES[e->city].name);
        ob_ch(o, ',');
        ob_date(o, e->hire);
        ob_ch(o, ',');
        if (e->mcap)
            ob_uint(o, e->mcap);
        ob_ch(o, ',');
        if (e->hcap)
            ob_uint(o, e->hcap);
        ob_str(o, ",CC-");
        ob_pad(o, 1000u + e->dept, 4);
        ob_ch(o, '\n');
    }
    ob_close(o);
}

static void write_skills(const company_t *c, const char *dir)
{
    out_t *o = ob_open(dir, "skills.csv");
    ob_str(o, "employee_id,skill,level\n");
    for (int32_t i = 0; i < c->n; i++) {
        for (int j = 0; j < c->n_sk[i]; j++) {
            size_t s = (size_t)i * MAX_SKILLS + j;
            ob_emp(o, c, i);
            ob_ch(o, ',');
            ob_skill(o, c, c->sk_id[s]);
            ob_ch(o, ',');
            ob_uint(o, c->sk_lv[s]);
            ob_ch(o, '\n');
        }
    }
    ob_close(o);
}

static const char *const TRACKS[3] = {"any", "mentoring", "shadowing"};

static void write_goals(const company_t *c, const char *dir)
{
    out_t *o = ob_open(dir, "goals.csv");
    ob_str(o, "employee_id,skill,target_level,priority,track\n");
    for (int32_t k = 0; k < c->n_learners; k++) {
        int32_t i = c->learners[k];
        for (int j = 0; j < c->n_g[i]; j++) {
            size_t g = (size_t)i * MAX_GOALS + j;
            ob_emp(o, c, i);
            ob_ch(o, ',');
            ob_skill(o, c, c->g_sk[g]);
            ob_ch(o, ',');
            ob_uint(o, c->g_tg[g]);
            ob_ch(o, ',');
            ob_uint(o, c->g_pr[g]);
            ob_ch(o, ',');
            ob_str(o, TRACKS[c->g_tr[g]]);
            ob_ch(o, '\n');
        }
    }
    ob_close(o);
}

typedef struct {
    int day, start, end; /* minutes, local */
} window_t;

/*
 * 2..6 weekly windows (none for about 1%), mostly Monday to Friday inside
 * 09:00-17:00, some early (from 07:00) or late (to 22:00) so that distant
 * offices sometimes meet; starts on a 30- or 15-minute grid; no two
 * windows of one day overlap. A pinned employee's shared window comes first;
 * most hosts and learners then get a free half day (4 hours) for shadowing.
 */
static int gen_windows(company_t *c, const emp_t *e, window_t *w)
{
    static const int count_w[5] = {15, 25, 25, 20, 15};
    static const int dur_v[5] = {60, 90, 120, 150, 180};
    static const int dur_w[5] = {10, 25, 30, 20, 15};
    int n = 0;
    if (e->flags & F_NOAVAIL)
        return 0;
    if (e->fday >= 0) {
        w[0].day = e->fday;
        w[0].start = e->fstart;
        w[0].end = e->fend;
        n = 1;
    }
    int want = 3 + rng_weighted(&c->rng, count_w, 5);
    /* a job-shadowing afternoon or morning needs a long block: most hosts
       and learners keep a half day free each week */
    if ((e->roles & (R_HOST | R_LEARNER | R_MENTOR)) && rng_unit(&c->rng) < 0.8) {
        int day = (int)rng_below(&c->rng, 5);
        int start = rng_unit(&c->rng) < 0.5 ? 9 * 60 : 13 * 60;
        int clash = 0;
        for (int j = 0; j < n; j++)
            clash |= w[j].day == day && start < w[j].end && w[j].start < start + 240;
        if (!clash) {
            w[n].day = day;
            w[n].start = start;
            w[n].end = start + 240;
            n++;
        }
    }
    for (int tries = 0; n < want && tries < 40; tries++) {
        int day = rng_unit(&c->rng) < 0.95 ? (int)rng_below(&c->rng, 5)
                                           : 5 + (int)rng_below(&c->rng, 2);
        int dur = dur_v[rng_weighted(&c->rng, dur_w, 5)];
        int grid = rng_unit(&c->rng) < 0.8 ? 30 : 15;
        double u = rng_unit(&c->rng);
        int lo, hi;
        if (u < 0.86) {
            lo = 9 * 60;
            hi = 17 * 60 - dur;
        } else if (u < 0.93) {
            lo = 7 * 60;
            hi = 8 * 60;
        } else {
            lo = 17 * 60;
            hi = 22 * 60 - dur;
        }
        if (hi < lo)
            continue;
        int start = lo + grid * (int)rng_below(&c->rng, (uint32_t)((hi - lo) / grid + 1));
        int end = start + dur, clash = 0;
        for (int j = 0; j < n; j++)
            clash |= w[j].day == day && start < w[j].end && w[j].start < end;
        if (clash)
            continue;
        w[n].day = day;
        w[n].start = start;
        w[n].end = end;
        n++;
    }
    for (int j = 1; j < n; j++) {
        window_t x = w[j];
        int k = j;
        for (; k > 0 && (w[k - 1].day > x.day ||
                         (w[k - 1].day == x.day && w[k - 1].start > x.start));
             k--)
            w[k] = w[k - 1];
        w[k] = x;
    }
    return n;
}

static void write_availability(company_t *c, const char *dir)
{
    out_t *o = ob_open(dir, "availability.csv");
    ob_str(o, "employee_id,day,start,end\n");
    window_t w[MAX_WINDOWS];
    for (int32_t i = 0; i < c->n; i++) {
        int n = gen_windows(c, &c->e[i], w);
        for (int j = 0; j < n; j++) {
            ob_emp(o, c, i);
            ob_ch(o, ',');
            ob_str(o, DAYS[w[j].day]);
            ob_ch(o, ',');
            ob_hhmm(o, w[j].start);
            ob_ch(o, ',');
            ob_hhmm(o, w[j].end);
            ob_ch(o, '\n');
        }
    }
    ob_close(o);
}

/* Past pairings of about 10% of learners, in the four quarters before the
 * start quarter; never a pinned pair. */
static void write_history(company_t *c, const char *dir)
{
    static const int track_w[3] = {15, 55, 30}; /* none, mentoring, shadowing */
    int32_t y, m, d;
    civil_from_days(c->start, &y, &m, &d);
    int32_t q_now = y * 4 + (m - 1) / 3;
    out_t *o = ob_open(dir, "history.csv");
    ob_str(o, "learner_id,partner_id,quarter,track\n");
    for (int32_t k = 0; k < c->n_learners; k++) {
        int32_t l = c->learners[k];
        if (rng_unit(&c->rng) >= 0.10)
            continue;
        int rows = 1 + (rng_unit(&c->rng) < 0.3);
        int32_t prev = -1;
        for (int r = 0; r < rows; r++) {
            int track = rng_weighted(&c->rng, track_w, 3);
            int role = track == 1   ? R_MENTOR
                       : track == 2 ? R_HOST
                       : (rng_unit(&c->rng) < 0.5 ? R_MENTOR : R_HOST);
            int32_t p = find_partner(c, l, role, 1);
            int32_t q = q_now - 1 - (int32_t)rng_below(&c->rng, 4);
            if (p < 0 || p == prev || pairset_has(&c->pinset, l, p))
                continue;
            prev = p;
            ob_emp(o, c, l);
            ob_ch(o, ',');
            ob_emp(o, c, p);
            ob_ch(o, ',');
            ob_uint(o, (uint64_t)(q / 4));
            ob_ch(o, 'Q');
            ob_uint(o, (uint64_t)(q % 4 + 1));
            ob_ch(o, ',');
            if (track)
                ob_str(o, TRACKS[track]);
            ob_ch(o, '\n');
        }
    }
    ob_close(o);
}

static void write_pairs(const company_t *c, const char *dir, const char *name,
                        const char *header, const pair_t *p, int32_t n, int reasons)
{
    out_t *o = ob_open(dir, name);
    ob_str(o, header);
    for (int32_t k = 0; k < n; k++) {
        ob_emp(o, c, p[k].a);
        ob_ch(o, ',');
        ob_emp(o, c, p[k].b);
        ob_ch(o, ',');
        if (reasons)
            ob_field(o, EXCLUSION_REASONS[p[k].reason]);
        else
            ob_str(o, "mentoring");
        ob_ch(o, '\n');
    }
    ob_close(o);
}

/* About 20% of learners rank one to three mentors, mostly ones who could
 * teach them something. */
static void write_preferences(company_t *c, const char *dir)
{
    static const int count_w[3] = {50, 30, 20};
    out_t *o = ob_open(dir, "preferences.csv");
    ob_str(o, "learner_id,partner_id,rank\n");
    for (int32_t k = 0; k < c->n_learners; k++) {
        int32_t l = c->learners[k];
        if (rng_unit(&c->rng) >= 0.20)
            continue;
        int want = 1 + rng_weighted(&c->rng, count_w, 3), rank = 0;
        int32_t chosen[3];
        for (int tries = 0; rank < want && tries < 6; tries++) {
            int32_t p = find_partner(c, l, R_MENTOR, 1);
            int dup = p < 0 || p == l;
            for (int j = 0; j < rank && !dup; j++)
                dup = chosen[j] == p;
            if (dup)
                continue;
            chosen[rank++] = p;
            ob_emp(o, c, l);
            ob_ch(o, ',');
            ob_emp(o, c, p);
            ob_ch(o, ',');
            ob_uint(o, (uint64_t)rank);
            ob_ch(o, '\n');
        }
    }
    ob_close(o);
}

/* The quarter's holidays: Good Friday and Easter Monday when both fall in
 * the quarter, else a Monday in week 4 and a Friday in week 9. */
static void quarter_holidays(int32_t start, int32_t out[2])
{
    int32_t y, m, d;
    civil_from_days(start, &y, &m, &d);
    int32_t end = start + 7 * QUARTER_WEEKS;
    for (int32_t yy = y; yy <= y + 1; yy++) {
        int32_t e = easter(yy);
        if (e - 2 >= start && e + 1 < end) {
            out[0] = e - 2;
            out[1] = e + 1;
            return;
        }
    }
    out[0] = next_weekday(start + 21, 0);
    out[1] = next_weekday(start + 56, 4);
}

static void write_config(const company_t *c, const char *dir)
{
    int32_t hol[2];
    quarter_holidays(c->start, hol);
    out_t *o = ob_open(dir, "config.json");
    ob_str(o, "{\n  \"quarter\": {\"start\": \"");
    ob_date(o, c->start);
    ob_str(o, "\", \"weeks\": 12, \"holidays\": [\"");
    ob_date(o, hol[0]);
    ob_str(o, "\", \"");
    ob_date(o, hol[1]);
    ob_str(o, "\"]},\n"
              "  \"mentoring\": {\"session_minutes\": 60, \"cadence_weeks\": 2, "
              "\"min_grade_gap\": 1,\n"
              "                \"ideal_max_grade_gap\": 3, \"exclude_manager_levels\": 2,\n"
              "                \"exclude_peers\": false, \"allow_same_department\": true,\n"
              "                \"repeat_cooldown_quarters\": 4},\n"
              "  \"shadowing\": {\"enabled\": true, \"sessions_per_learner\": 2, "
              "\"session_minutes\": 180},\n"
              "  \"weights\": {\"skill\": 50, \"availability\": 15, \"cross_department\": 15,\n"
              "              \"seniority\": 10, \"timezone\": 10, \"preference\": 0},\n"
              "  \"objective\": \"participation\",\n"
              "  \"fairness\": {\"attributes\": [\"department\"], \"min_impact_ratio\": 0.8,\n"
              "               \"min_group_size\": 5, \"enforce\": false},\n"
              "  \"solver\": {\"time_limit_s\": 300, \"mip_gap\": 0.0001},\n"
              "  \"threads\": 0,\n"
              "  \"seed\": ");
    ob_uint(o, c->seed);
    ob_str(o, "\n}\n");
    ob_close(o);
}

static void company_free(company_t *c)
{
    for (int32_t k = 0; c->d && k < c->n_depts; k++) {
        free(c->d[k].cdf_skill);
        free(c->d[k].cdf_goal);
    }
    for (int t = 0; t < N_TZ; t++) {
        free(c->tz_mentors[t]);
        free(c->tz_hosts[t]);
    }
    free(c->d);
    free(c->e);
    free(c->sk_id);
    free(c->sk_lv);
    free(c->n_sk);
    free(c->g_sk);
    free(c->g_tg);
    free(c->g_pr);
    free(c->g_tr);
    free(c->n_g);
    free(c->mentors);
    free(c->hosts);
    free(c->learners);
    free(c->pins);
    free(c->excl);
    free(c->pinset.keys);
    free(c->exclset.keys);
    free(c);
}

/* ---------------------------------------------------------------- main -- */

static void usage(FILE *f)
{
    fputs("usage: mm-gen --employees N [--seed S] [--start YYYY-MM-DD] --out DIR\n"
          "  --employees N  company size, 1..10000000\n"
          "  --seed S       0..9007199254740991 (default 1)\n"
          "  --start DATE   the quarter's first day (default 2027-01-04)\n"
          "  --out DIR      output folder, created if missing\n",
          f);
}

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* mkdir -p; 0 on success. */
static int make_dirs(const char *path)
{
    char buf[PATH_BYTES];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        buf[i] = saved;
    }
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static int32_t skill_count(int32_t n)
{
    if (n <= 300)
        return 60;
    long v = lround(60.0 + 54.0 * log10((double)n / 300.0));
    return v > N_ALL_SKILLS ? N_ALL_SKILLS : (int32_t)v;
}

int main(int argc, char **argv)
{
    long long n = -1, seed = 1;
    int32_t start = days_from_civil(2027, 1, 4);
    const char *out = NULL;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a], *val = NULL;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout);
            return 0;
        }
        const char *eq = strchr(arg, '=');
        size_t key_len = eq ? (size_t)(eq - arg) : strlen(arg);
        if (eq)
            val = eq + 1;
        else if (a + 1 < argc)
            val = argv[++a];
        int bad = !val;
        if (bad)
            ;
        else if (key_len == 11 && !strncmp(arg, "--employees", key_len))
            bad = parse_int(val, 1, MAX_EMPLOYEES, &n);
        else if (key_len == 6 && !strncmp(arg, "--seed", key_len))
            bad = parse_int(val, 0, MAX_SEED, &seed);
        else if (key_len == 7 && !strncmp(arg, "--start", key_len))
            bad = parse_date(val, &start);
        else if (key_len == 5 && !strncmp(arg, "--out", key_len))
            bad = !*(out = val);
        else
            bad = 1;
        if (bad) {
            fprintf(stderr, "mm-gen: bad argument: %s%s%s\n", arg, eq || !val ? "" : " ",
                    eq || !val ? "" : val);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (n < 0 || !out) {
        fputs("mm-gen: --employees and --out are required\n", stderr);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (make_dirs(out) != 0) {
        fprintf(stderr, "mm-gen: %s: cannot create the folder\n", out);
        return EXIT_CANTCREAT;
    }

    company_t *c = xcalloc(1, sizeof *c);
    c->n = (int32_t)n;
    c->seed = (uint64_t)seed;
    c->start = start;
    c->n_skills = skill_count(c->n);
    c->n_areas = c->n > AREA_SIZE ? (c->n + AREA_SIZE - 1) / AREA_SIZE : 1;
    if (c->n_areas > UINT16_MAX / c->n_skills)
        c->n_areas = UINT16_MAX / c->n_skills;
    rng_seed(&c->rng, c->seed);
    size_t un = (size_t)c->n;
    c->e = xcalloc(un, sizeof *c->e);
    c->sk_id = xcalloc(un * MAX_SKILLS, sizeof *c->sk_id);
    c->sk_lv = xcalloc(un * MAX_SKILLS, sizeof *c->sk_lv);
    c->n_sk = xcalloc(un, 1);
    c->g_sk = xcalloc(un * MAX_GOALS, sizeof *c->g_sk);
    c->g_tg = xcalloc(un * MAX_GOALS, 1);
    c->g_pr = xcalloc(un * MAX_GOALS, 1);
    c->g_tr = xcalloc(un * MAX_GOALS, 1);
    c->n_g = xcalloc(un, 1);

    build_departments(c);
    build_managers(c);
    assign_grades(c);
    assign_ids(c);
    assign_cities(c);
    assign_people(c);
    build_role_lists(c);
    build_skill_tables(c);
    assign_skills(c);
    assign_goals(c);
    make_pins(c);
    build_role_lists(c);
    make_exclusions(c);

    write_departments(c, out);
    write_employees(c, out);
    write_skills(c, out);
    write_goals(c, out);
    write_availability(c, out);
    write_history(c, out);
    write_pairs(c, out, "exclusions.csv", "a_id,b_id,reason\n", c->excl, c->n_excl, 1);
    write_pairs(c, out, "pins.csv", "learner_id,partner_id,track\n", c->pins, c->n_pins, 0);
    write_preferences(c, out);
    write_config(c, out);
    company_free(c);
    return 0;
}
