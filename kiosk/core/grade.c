/*
 * grade.c — grades in digits and words, their parsing, and the rules that derive a grade
 * (second ticket, refusal, removal, commission vote). The word tables are the regulations'
 * spelling; the ведомость prints them as they are here.
 */
#include "grade.h"

#include <string.h>

#include "text.h"

/* Marks a msgid for xgettext (po/check.sh reads this file); core translates nothing. */
#define N_(msgid) msgid

typedef struct grade_names {
    const char *token;
    const char *word;
    const char *abbrev;
    const char *msgid;
    int points;
} grade_names;

static const grade_names names[GRADE_COUNT] = {
    [GRADE_NONE] = { "", "", "", "", 0 },
    [GRADE_5] = { "5", "отлично", "отл.", N_("excellent"), 5 },
    [GRADE_4] = { "4", "хорошо", "хор.", N_("good"), 4 },
    [GRADE_3] = { "3", "удовлетворительно", "удовл.", N_("satisfactory"), 3 },
    [GRADE_2] = { "2", "неудовлетворительно", "неудовл.", N_("unsatisfactory"), 2 },
    [GRADE_PASS] = { "pass", "зачтено", "зачт.", N_("pass"), 0 },
    [GRADE_FAIL] = { "fail", "не зачтено", "не зачт.", N_("fail"), 0 },
    [GRADE_ABSENT] = { "absent", "не явился", "не явился", N_("absent"), 0 },
    [GRADE_NOT_ADMITTED] = { "not_admitted", "не допущен", "не допущен", N_("not admitted"), 0 },
};

/* Further spellings accepted by grade_parse, beyond token, word and abbreviation. */
typedef struct grade_alias {
    const char *text;
    grade g;
} grade_alias;

static const grade_alias aliases[] = {
    { "excellent", GRADE_5 },
    { "good", GRADE_4 },
    { "satisfactory", GRADE_3 },
    { "unsatisfactory", GRADE_2 },
    { "отл", GRADE_5 },
    { "хор", GRADE_4 },
    { "удовл", GRADE_3 },
    { "неудовл", GRADE_2 },
    { "з", GRADE_PASS },
    { "зачет", GRADE_PASS },
    { "н", GRADE_FAIL },
    { "не зачет", GRADE_FAIL },
    { "незачет", GRADE_FAIL },
    { "не явилась", GRADE_ABSENT },
    { "неявка", GRADE_ABSENT },
    { "не допущена", GRADE_NOT_ADMITTED },
    { "not admitted", GRADE_NOT_ADMITTED },
};

static bool grade_valid(grade g)
{
    return (int)g >= (int)GRADE_NONE && (int)g < (int)GRADE_COUNT;
}

const char *grade_token(grade g)
{
    return grade_valid(g) ? names[g].token : "";
}

const char *grade_word(grade g)
{
    return grade_valid(g) ? names[g].word : "";
}

const char *grade_msgid(grade g)
{
    return grade_valid(g) ? names[g].msgid : "";
}

const char *grade_abbrev(grade g)
{
    return grade_valid(g) ? names[g].abbrev : "";
}

int grade_points(grade g)
{
    return grade_valid(g) ? names[g].points : 0;
}

bool grade_is_points(grade g)
{
    return g == GRADE_5 || g == GRADE_4 || g == GRADE_3 || g == GRADE_2;
}

bool grade_is_result(grade g)
{
    return grade_is_points(g) || g == GRADE_PASS || g == GRADE_FAIL;
}

bilet_status grade_parse(const char *text, grade *out, bilet_err *err)
{
    *out = GRADE_NONE;
    if (!text)
        return bilet_fail(err, BILET_EPARSE, "no grade given");
    for (int g = GRADE_5; g < GRADE_COUNT; g++) {
        if (text_equal_fold(text, names[g].token) || text_equal_fold(text, names[g].word) ||
            text_equal_fold(text, names[g].abbrev)) {
            *out = (grade)g;
            return BILET_OK;
        }
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (text_equal_fold(text, aliases[i].text)) {
            *out = aliases[i].g;
            return BILET_OK;
        }
    }
    return bilet_fail(err, BILET_EPARSE,
                      "grade \"%s\" is not one of 5 4 3 2 (отлично, хорошо, удовлетворительно, "
                      "неудовлетворительно), зачтено/pass, не зачтено/fail, не явился/absent",
                      text);
}

bool grade_fits_form(grade g, exam_form form)
{
    if (g == GRADE_ABSENT || g == GRADE_NOT_ADMITTED)
        return true;
    if (form == EXAM_FORM_ZACHET)
        return g == GRADE_PASS || g == GRADE_FAIL;
    return grade_is_points(g);
}

grade grade_apply_second_ticket(grade g)
{
    switch (g) {
    case GRADE_5:
        return GRADE_4;
    case GRADE_4:
        return GRADE_3;
    case GRADE_3:
        return GRADE_2;
    default:
        return g;
    }
}

grade grade_for_refusal(exam_form form, bool ticket_drawn)
{
    if (!ticket_drawn)
        return GRADE_ABSENT;
    return form == EXAM_FORM_ZACHET ? GRADE_FAIL : GRADE_2;
}

grade grade_for_removal(exam_form form)
{
    return form == EXAM_FORM_ZACHET ? GRADE_FAIL : GRADE_2;
}

bilet_status grade_commission_decide(const grade_vote *votes, size_t n_votes,
                                     size_t commission_size, grade_decision *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (commission_size < 3)
        return bilet_fail(err, BILET_ERULE,
                          "a commission needs a chair and at least 2 members; it has %zu",
                          commission_size);
    if (n_votes > commission_size || n_votes > EXAM_LIST_MAX)
        return bilet_fail(err, BILET_ERULE, "%zu votes for a commission of %zu", n_votes,
                          commission_size);
    if (n_votes * 2 <= commission_size)
        return bilet_fail(err, BILET_ERULE,
                          "no quorum: %zu of %zu commission members voted; more than half must",
                          n_votes, commission_size);
    size_t count[GRADE_COUNT] = { 0 };
    for (size_t i = 0; i < n_votes; i++) {
        if (!grade_is_result(votes[i].vote))
            return bilet_fail(err, BILET_ERULE, "the vote of %s is not a grade", votes[i].member);
        count[votes[i].vote]++;
    }
    size_t best = 0;
    for (int g = 0; g < GRADE_COUNT; g++)
        if (count[g] > best)
            best = count[g];
    size_t tied = 0;
    grade winner = GRADE_NONE;
    for (int g = 0; g < GRADE_COUNT; g++) {
        if (count[g] == best) {
            tied++;
            winner = (grade)g;
        }
    }
    if (tied > 1) {
        /* The chair (the first vote, the first name of exam.ini's commission) decides. */
        winner = votes[0].vote;
        out->chair_decided = true;
        if (count[winner] != best)
            return bilet_fail(err, BILET_ERULE,
                              "a tie between grades the chair did not vote for cannot be broken");
    }
    out->result = winner;
    out->quorum = true;
    for (size_t i = 0; i < n_votes; i++)
        if (votes[i].vote != winner)
            out->dissent[out->n_dissent++] = i;
    return BILET_OK;
}
