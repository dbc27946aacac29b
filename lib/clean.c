/*
 * clean.c - boilerplate rules: which blocks of an article are not the
 * article.  Each rule has a name, recorded in tl_block.drop and shown by
 * talaash-index --dry-run --explain.  The rules, in the order applied:
 *
 *   cookie-notice  a block saying the site uses cookies, asking for
 *                  consent, or offering cookie/privacy settings, and the
 *                  short blocks and cookie/consent/privacy paragraphs that
 *                  follow it (a consent wall is many blocks long);
 *   read-more      "Read more:", "Read also:", "NEXT STORY:", "Related:",
 *                  "See also:", "Recommended:", "Up next" link lines;
 *   tweet          an embedded tweet: a block with a pic.twitter.com link,
 *                  a signature line "— Name (@handle) Month D, YYYY", and
 *                  the short block just above such a signature;
 *   comment-form   "Leave a comment" / "Leave a Reply" / "Post a comment"
 *                  and everything after it, the "You can use these HTML
 *                  tags" help, "Your email address will not be published";
 *   image          a line naming an image file ("Image: x.jpg", "x.png"),
 *                  and photo credit lines ("Photo credit: ...", "Photo:");
 *                  a credit closing a paragraph of text is cut off it;
 *   photo-caption  a block ending in a photo credit ("AP Photo/...",
 *                  "(Reuters)", "Getty Images"), and any block at the top
 *                  whose text that caption begins with (a caption repeated
 *                  without its credit);
 *   disclaimer     "The views expressed ... are the author's own" and
 *                  "Disclaimer:" blocks;
 *   share          short "Share this", "Follow us", "Subscribe",
 *                  "Sign up for our newsletter" blocks;
 *   no-text        blocks with no letter or digit at all, or only one
 *                  character ("X" close buttons);
 *   repeat         a block of 4 or more words whose normalised text
 *                  (letters and digits only, case folded, any run of other
 *                  characters one space) equals an earlier kept block's,
 *                  or a sentence of 8..60 words (not a heading) whose
 *                  normalised text is a run of words inside a longer kept
 *                  block: a pull quote is kept once, where it was written.
 *
 * Rules look at one block, or at a block and its neighbours; a rule that
 * could also match real prose (cookie talk in an article about cookies,
 * "Related:" in a sentence) is limited to short blocks.
 */

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "talaash.h"

/* Blocks up to this many words can be link lines, buttons, headings. */
#define SHORT_WORDS 12
/* A "Read more: <headline>" line is at most this long. */
#define LINK_WORDS 30
/* A tweet above a signature line is at most this long. */
#define TWEET_WORDS 70
/* A caption repeated without its credit stands this close above it. */
#define CAPTION_LOOKBACK 3

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Does lowered[0..len) (a block with ASCII folded to lower case) contain
 * needle (lower case)?  memmem is glibc's fast two-way search. */
static int
contains(const char *lowered, size_t len, const char *needle)
{
    return memmem(lowered, len, needle, strlen(needle)) != NULL;
}

/* Skips leading white space, dashes and bullets (ASCII and UTF-8). */
static const char *
skip_lead(const char *p, size_t *len)
{
    for (;;) {
        if (*len > 0 && (isspace((unsigned char)*p) || *p == '-' || *p == '*'
                         || *p == '>' || *p == '|')) {
            p++;
            (*len)--;
        } else if (*len >= 3 && (unsigned char)p[0] == 0xE2
                   && (unsigned char)p[1] == 0x80
                   && ((unsigned char)p[2] == 0x93      /* – */
                       || (unsigned char)p[2] == 0x94   /* — */
                       || (unsigned char)p[2] == 0xA2)) { /* • */
            p += 3;
            *len -= 3;
        } else {
            return p;
        }
    }
}

/* Does p (len bytes) start with prefix, ignoring case?  Compared as it
 * goes, without strlen(): most prefixes differ at their first byte. */
static int
starts_here(const char *p, size_t len, const char *prefix)
{
    for (size_t i = 0; prefix[i] != '\0'; i++)
        if (i == len || lower((unsigned char)p[i]) != prefix[i])
            return 0;
    return 1;
}

static int
ends_with_ci(const char *p, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    while (len > 0 && (isspace((unsigned char)p[len - 1]) || p[len - 1] == '.'
                       || p[len - 1] == ')'))
        len--;
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)p[len - n + i]) != suffix[i])
            return 0;
    return 1;
}

/* Does the block start (after dashes and spaces) with one of prefixes,
 * ignoring case? */
static int
any_start(const char *p, size_t len, const char *const *prefixes)
{
    p = skip_lead(p, &len);
    for (; *prefixes != NULL; prefixes++)
        if (starts_here(p, len, *prefixes))
            return 1;
    return 0;
}

static int
any_contains(const char *p, size_t len, const char *const *needles)
{
    for (; *needles != NULL; needles++)
        if (contains(p, len, *needles))
            return 1;
    return 0;
}

/* What one pass over each block looks for (find_needles()): the keys of
 * the phrase lists and the phrases looked for in every block, instead
 * of a memmem() each (17 of them a block; session 16). */
enum needle {
    N_COOKIE, N_CONSENT, N_DO_NOT_SELL,             /* cookie_strong's keys */
    N_PIC_TWITTER,
    N_COMMENT_0, N_COMMENT_1, N_COMMENT_2, N_COMMENT_3, N_COMMENT_4,
    N_PHOTO, N_AFP, N_REUTERS, N_EPA, N_GETTY,      /* credit_any's keys */
    N_VIEWS, N_DISCLAIMER, N_NOT_NECESSARILY,       /* disclaimer_any's */
    N_NEEDLES
};

static const char *const needle_text[N_NEEDLES] = {
    [N_COOKIE] = "cookie", [N_CONSENT] = "consent",
    [N_DO_NOT_SELL] = "do not sell",
    [N_PIC_TWITTER] = "pic.twitter.com",
    /* a comment form's small print, anywhere in a block */
    [N_COMMENT_0] = "you can use these html tags",
    [N_COMMENT_1] = "your email address will not be",
    [N_COMMENT_2] = "required fields are marked",
    [N_COMMENT_3] = "notify me of follow-up comments",
    [N_COMMENT_4] = "notify me of new posts",
    [N_PHOTO] = "photo", [N_AFP] = "afp", [N_REUTERS] = "reuters",
    [N_EPA] = "epa", [N_GETTY] = "getty",
    [N_VIEWS] = "views expressed", [N_DISCLAIMER] = "disclaimer:",
    [N_NOT_NECESSARILY] = "do not necessarily",
};

#define BIT(n) ((uint32_t)1 << (n))
#define COMMENT_ANY (BIT(N_COMMENT_0) | BIT(N_COMMENT_1) | BIT(N_COMMENT_2) \
                     | BIT(N_COMMENT_3) | BIT(N_COMMENT_4))

/* Needles are found by their first three bytes: a bit per hash of
 * three bytes says whether a needle may start there. */
#define TRIGRAM_BITS 16
static uint64_t trigram_filter[((size_t)1 << TRIGRAM_BITS) / 64];
static pthread_once_t trigram_once = PTHREAD_ONCE_INIT;

static unsigned
trigram(const unsigned char *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;

    return (unsigned)((v * 0x9E3779B1u) >> (32 - TRIGRAM_BITS));
}

static void
trigram_init(void)
{
    for (int n = 0; n < N_NEEDLES; n++) {
        unsigned h = trigram((const unsigned char *)needle_text[n]);
        trigram_filter[h / 64] |= (uint64_t)1 << (h % 64);
    }
}

/* The needles lowered[0..len) holds, as bits 1 << enum needle. */
static uint32_t
find_needles(const char *lowered, size_t len)
{
    const unsigned char *p = (const unsigned char *)lowered;
    uint32_t found = 0;

    pthread_once(&trigram_once, trigram_init);
    for (size_t k = 0; k + 3 <= len; k++) {
        unsigned h = trigram(p + k);
        if (!(trigram_filter[h / 64] >> (h % 64) & 1))
            continue;
        for (int n = 0; n < N_NEEDLES; n++) {
            const char *t = needle_text[n];
            size_t tn;
            if (t[0] != (char)p[k] || t[1] != (char)p[k + 1]
                || t[2] != (char)p[k + 2] || (found & BIT(n)))
                continue;
            tn = strlen(t);
            if (tn <= len - k && memcmp(p + k + 3, t + 3, tn - 3) == 0)
                found |= BIT(n);
        }
    }
    return found;
}

/* A list of phrases with keys: every phrase holds one of the keys, so a
 * block without any key holds no phrase (find_needles() finds the keys;
 * tl_clean_keys_cover() checks them, the tests call it). */
struct keyed {
    const enum needle *keys;    /* up to N_NEEDLES */
    const char *const *all;
};

static int
any_keyed(const char *p, size_t len, uint32_t found, const struct keyed *k)
{
    for (const enum needle *key = k->keys; *key != N_NEEDLES; key++) {
        if (!(found & BIT(*key)))
            continue;
        for (const char *const *n = k->all; *n != NULL; n++)
            if (strstr(*n, needle_text[*key]) != NULL && contains(p, len, *n))
                return 1;
    }
    return 0;
}

/* ---- the rules, each on one block ---------------------------------- */

static const char *const cookie_strong[] = {
    "uses cookies", "use of cookies", "accept cookies", "accept all cookies",
    "allow all cookies", "cookie preferences", "cookie settings",
    "cookie policy", "cookie list", "manage consent", "consent preferences",
    "do not sell my personal information", "we use cookies",
    "this site uses cookies", "store cookies", NULL,
};

static const enum needle cookie_strong_keys[] = {
    N_COOKIE, N_CONSENT, N_DO_NOT_SELL, N_NEEDLES,
};
static const struct keyed cookie_strong_k = { cookie_strong_keys,
                                              cookie_strong };

static const char *const cookie_weak[] = {
    "cookie", "consent", "personal information", "personal data", "opt-out",
    "opt out", "privacy", "save settings", "accept", "reject", NULL,
};

static const char *const read_more[] = {
    "read more:", "read more >", "read also:", "also read:", "next story:",
    "next story", "related:", "related article", "related stories",
    "see also:", "recommended:", "up next", "more from", "continue reading",
    "click here to read", NULL,
};

static const char *const comment_start[] = {
    "leave a comment", "leave a reply", "post a comment", "add a comment",
    "comments are closed", "join the conversation", NULL,
};

static const char *const image_start[] = {
    "image:", "photo credit:", "image credit:", "photo:", "photograph:",
    "picture:", "file photo", NULL,
};

static const char *const image_ext[] = {
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", NULL,
};

static const char *const credit_any[] = {
    "ap photo/", "ap photo", "(photo:", "photo by ", "/afp", "afp/",
    "reuters/", "/reuters", "epa/", "/epa", "getty images", "photo credit",
    "(file photo", "(photo", "photo courtesy", NULL,
};

static const enum needle credit_keys[] = {
    N_PHOTO, N_AFP, N_REUTERS, N_EPA, N_GETTY, N_NEEDLES,
};
static const struct keyed credit_k = { credit_keys, credit_any };

static const char *const disclaimer_any[] = {
    "the views expressed", "views expressed in this", "disclaimer:",
    "do not necessarily reflect", NULL,
};
static const enum needle disclaimer_keys[] = {
    N_VIEWS, N_DISCLAIMER, N_NOT_NECESSARILY, N_NEEDLES,
};
static const struct keyed disclaimer_k = { disclaimer_keys,
                                           disclaimer_any };

static const struct keyed *const all_keyed[] = {
    &cookie_strong_k, &credit_k, &disclaimer_k, NULL,
};

const char *
tl_clean_keys_cover(void)
{
    for (const struct keyed *const *k = all_keyed; *k != NULL; k++)
        for (const char *const *n = (*k)->all; *n != NULL; n++) {
            const enum needle *key = (*k)->keys;
            while (*key != N_NEEDLES && strstr(*n, needle_text[*key]) == NULL)
                key++;
            if (*key == N_NEEDLES)
                return *n;
        }
    return NULL;
}

static const char *const share_start[] = {
    "share this", "share on", "share:", "follow us", "subscribe",
    "sign up for our", "click to share", "like us on", "tweet this",
    "print this", "email this", NULL,
};

/* "— Name (@handle) July 24, 2019": an embedded tweet's signature. */
static int
is_tweet_signature(const char *p, size_t len)
{
    size_t rest = len;
    const char *q = skip_lead(p, &rest);
    const char *at;

    if (q == p || len > 200)    /* must start with a dash */
        return 0;
    at = memmem(q, rest, "(@", 2);
    if (at == NULL || memchr(at, ')', rest - (size_t)(at - q)) == NULL)
        return 0;
    /* and end in a year */
    while (len > 0 && isspace((unsigned char)p[len - 1]))
        len--;
    return len >= 4 && isdigit((unsigned char)p[len - 1])
           && isdigit((unsigned char)p[len - 4]);
}

static int
has_letter_or_digit(const char *p, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((isalnum(c) || (c >= 0xC0 && c != 0xE2)) && ++n > 1)
            return 1;   /* most blocks: in the first few bytes */
    }
    return 0;
}

/* Is the whole block an image file name (possibly after "Image:")? */
static int
is_image_line(const char *p, size_t len, size_t words)
{
    return words <= 3 && any_contains(p, len, image_ext)
           && memchr(p, ' ', len) == NULL;
}

/* Text equality ignoring case and runs of white space; with prefix, is a
 * the beginning of b? */
static int
same_text(const char *a, size_t na, const char *b, size_t nb, int prefix)
{
    size_t i = 0, k = 0;

    while (i < na && isspace((unsigned char)a[i]))
        i++;
    while (k < nb && isspace((unsigned char)b[k]))
        k++;
    for (;;) {
        int sa = 0, sb = 0;

        while (i < na && isspace((unsigned char)a[i])) {
            i++;
            sa = 1;
        }
        while (k < nb && isspace((unsigned char)b[k])) {
            k++;
            sb = 1;
        }
        if (i == na)
            return prefix || k == nb;
        if (k == nb || sa != sb
            || lower((unsigned char)a[i]) != lower((unsigned char)b[k]))
            return 0;
        i++;
        k++;
    }
}

/* A credit is looked for in a paragraph's last CREDIT_TAIL bytes. */
#define CREDIT_TAIL 80
/* Can the end of p[0..len) hold one of trim_credit()'s credits?  Each
 * holds "credit" or "courtesy": without "cre" or "cou" (any case) in
 * the last CREDIT_TAIL + 16 bytes (16: more than the longest credit),
 * none is there (most paragraphs). */
static int
may_hold_credit(const char *p, size_t len)
{
    size_t from = len > CREDIT_TAIL + 16 ? len - CREDIT_TAIL - 16 : 0;

    for (size_t k = from; k + 3 <= len; k++)
        if ((p[k] | 0x20) == 'c'
            && (((p[k + 1] | 0x20) == 'r' && (p[k + 2] | 0x20) == 'e')
                || ((p[k + 1] | 0x20) == 'o' && (p[k + 2] | 0x20) == 'u')))
            return 1;
    return 0;
}

/* "... is a columnist. Photo credit: Getty Images." : a credit at the end
 * of a paragraph of text is cut off, the paragraph kept. */
static void
trim_credit(struct tl_doc *d, size_t i)
{
    static const char *const credits[] = {
        "photo credit:", "image credit:", "photo courtesy", "picture credit:",
        NULL,
    };
    size_t len;
    const char *p = tl_doc_block(d, i, &len);

    if (tl_doc_words(d, i) <= SHORT_WORDS || !may_hold_credit(p, len))
        return;
    for (const char *const *c = credits; *c != NULL; c++) {
        size_t n = strlen(*c);
        size_t from = len > CREDIT_TAIL + n ? len - CREDIT_TAIL - n : 1;
        for (size_t k = from; n <= len && k <= len - n; k++) {
            size_t m = 0;
            while (m < n && lower((unsigned char)p[k + m]) == (*c)[m])
                m++;
            if (m == n && len - k < CREDIT_TAIL) {
                while (k > 0 && isspace((unsigned char)p[k - 1]))
                    k--;
                tl_doc_truncate(d, i, k);
                return;
            }
        }
    }
}

static void
drop(struct tl_doc *d, size_t i, const char *rule)
{
    if (d->blocks[i].drop == NULL)
        d->blocks[i].drop = rule;
}


enum tl_status
tl_clean_boilerplate(struct tl_doc *d, struct tl_error *err)
{
    int in_cookies = 0, in_comments = 0;
    struct tl_buf low;      /* the block, ASCII folded to lower case */

    tl_buf_init(&low, 0);
    for (size_t i = 0; i < d->n_blocks; i++) {
        size_t len, words = tl_doc_words(d, i);
        const char *p, *raw;
        int is_short = words <= SHORT_WORDS;
        uint32_t found;

        trim_credit(d, i);
        raw = tl_doc_block(d, i, &len);
        tl_buf_reset(&low);
        if (tl_buf_append(&low, raw, len) != TL_OK) {
            tl_buf_release(&low);
            return tl_error_set(err, TL_ERR_NOMEM, "out of memory");
        }
        for (size_t k = 0; k < len; k++)
            low.data[k] = (char)lower((unsigned char)low.data[k]);
        p = low.data;
        if (in_comments) {
            drop(d, i, "comment-form");
            continue;
        }
        found = find_needles(p, len);
        if (any_keyed(p, len, found, &cookie_strong_k)
            || (in_cookies && (is_short || any_contains(p, len, cookie_weak)))) {
            in_cookies = 1;
            drop(d, i, "cookie-notice");
            continue;
        }
        in_cookies = 0;
        if (!has_letter_or_digit(p, len)) {
            drop(d, i, "no-text");
        } else if (words <= LINK_WORDS && any_start(p, len, read_more)) {
            drop(d, i, "read-more");
        } else if (found & BIT(N_PIC_TWITTER)) {
            drop(d, i, "tweet");
        } else if (is_tweet_signature(p, len)) {
            drop(d, i, "tweet");
            if (i > 0 && d->blocks[i - 1].drop == NULL
                && tl_doc_words(d, i - 1) <= TWEET_WORDS)
                d->blocks[i - 1].drop = "tweet";
        } else if (is_short && any_start(p, len, comment_start)) {
            drop(d, i, "comment-form");
            in_comments = 1;
        } else if (found & COMMENT_ANY) {
            drop(d, i, "comment-form");
        } else if ((is_short && any_start(p, len, image_start))
                   || is_image_line(p, len, words)) {
            drop(d, i, "image");
        } else if (words <= 80 && (any_keyed(p, len, found, &credit_k)
                                   && (ends_with_ci(p, len, "images")
                                       || (found & BIT(N_PHOTO))))) {
            drop(d, i, "photo-caption");
            /* the same caption shown without its credit, just above */
            for (size_t k = i > CAPTION_LOOKBACK ? i - CAPTION_LOOKBACK : 0;
                 k < i; k++) {
                size_t klen;
                const char *kp = tl_doc_block(d, k, &klen);
                if (d->blocks[k].drop == NULL && tl_doc_words(d, k) >= 6
                    && same_text(kp, klen, p, len, 1))
                    d->blocks[k].drop = "photo-caption";
            }
        } else if (words <= 60 && any_keyed(p, len, found, &disclaimer_k)) {
            drop(d, i, "disclaimer");
        } else if (is_short && any_start(p, len, share_start)) {
            drop(d, i, "share");
        }
    }
    tl_buf_release(&low);
    return tl_clean_repeats(d, err);
}
