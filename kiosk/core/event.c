/*
 * event.c — the event vocabulary: record type names, the fields of each type in their fixed
 * order, and the conversion between events and bilet_field arrays. docs/events.md is the
 * same table in prose; a change here is a change of the record format and needs a new `v`.
 */
#include "event.h"

#include <string.h>

#include "text.h"

typedef enum event_key {
    K_ATTEMPT,
    K_RECORD_BOOK,
    K_FULL_NAME,
    K_CODE,
    K_SUBGROUP,
    K_TICKET,
    K_SECOND,
    K_TICKET_DRAWN,
    K_PERIOD,
    K_DEADLINE,
    K_SECONDS,
    K_SOURCE,
    K_HANDIN,
    K_REFUSAL,
    K_GRADE,
    K_FINAL,
    K_DISCIPLINE,
    K_COUNT,
    K_UNTIL,
    K_DATE_MISMATCH,
    K_TODAY,
    K_KIOSK_NAME,
    K_ROSTER_HASH,
    K_BY,
    K_REASON,
    K_CHARS,
    K_WORDS,
    K_TEXT,
    K_END
} event_key;

static const char *const key_names[K_END] = {
    [K_ATTEMPT] = "attempt",
    [K_RECORD_BOOK] = "record_book",
    [K_FULL_NAME] = "full_name",
    [K_CODE] = "code",
    [K_SUBGROUP] = "subgroup",
    [K_TICKET] = "ticket",
    [K_SECOND] = "second",
    [K_TICKET_DRAWN] = "ticket_drawn",
    [K_PERIOD] = "period",
    [K_DEADLINE] = "deadline",
    [K_SECONDS] = "seconds",
    [K_SOURCE] = "source",
    [K_HANDIN] = "handin",
    [K_REFUSAL] = "refusal",
    [K_GRADE] = "grade",
    [K_FINAL] = "final",
    [K_DISCIPLINE] = "discipline",
    [K_COUNT] = "count",
    [K_UNTIL] = "until",
    [K_DATE_MISMATCH] = "date_mismatch",
    [K_TODAY] = "today",
    [K_KIOSK_NAME] = "kiosk_name",
    [K_ROSTER_HASH] = "roster_hash",
    [K_BY] = "by",
    [K_REASON] = "reason",
    [K_CHARS] = "chars",
    [K_WORDS] = "words",
    [K_TEXT] = "text",
};

typedef struct event_shape {
    const char *name;
    event_key keys[8];
} event_shape;

/* Each list ends at the first K_END; an empty list is all K_END (zero is K_ATTEMPT, so the
 * lists are spelled out in full). */
#define E K_END
static const event_shape shapes[EV_TYPE_COUNT] = {
    [EV_NONE] = { "", { E, E, E, E, E, E, E, E } },
    [EV_SESSION_OPENED] = { "session_opened",
                            { K_KIOSK_NAME, K_TODAY, K_DATE_MISMATCH, K_ROSTER_HASH, E, E, E, E } },
    [EV_SESSION_PAUSED] = { "session_paused", { E, E, E, E, E, E, E, E } },
    [EV_SESSION_RESUMED] = { "session_resumed", { K_SECONDS, E, E, E, E, E, E, E } },
    [EV_SESSION_CLOSED] = { "session_closed", { K_COUNT, E, E, E, E, E, E, E } },
    [EV_ENTRY_REFUSED] = { "entry_refused", { K_RECORD_BOOK, K_REFUSAL, E, E, E, E, E, E } },
    [EV_STUDENT_IDENTIFIED] = { "student_identified",
                                { K_ATTEMPT, K_RECORD_BOOK, K_FULL_NAME, K_CODE, K_SUBGROUP,
                                  K_SECONDS, E, E } },
    [EV_TICKET_DRAWN] = { "ticket_drawn",
                          { K_ATTEMPT, K_TICKET, K_SECOND, K_SUBGROUP, K_DEADLINE, E, E, E } },
    [EV_PERIOD_STARTED] = { "period_started", { K_ATTEMPT, K_PERIOD, K_DEADLINE, E, E, E, E, E } },
    [EV_STUDENT_LEFT] = { "student_left", { K_ATTEMPT, E, E, E, E, E, E, E } },
    [EV_STUDENT_RETURNED] = { "student_returned", { K_ATTEMPT, K_SECONDS, E, E, E, E, E, E } },
    [EV_EXTRA_TIME] = { "extra_time", { K_ATTEMPT, K_SECONDS, K_SOURCE, E, E, E, E, E } },
    [EV_ANSWER_SUBMITTED] = { "answer_submitted",
                              { K_ATTEMPT, K_HANDIN, K_CHARS, K_WORDS, K_TEXT, E, E, E } },
    [EV_REFUSED] = { "refused", { K_ATTEMPT, K_TICKET_DRAWN, K_GRADE, E, E, E, E, E } },
    [EV_REMOVED] = { "removed", { K_ATTEMPT, K_GRADE, K_CHARS, K_WORDS, K_TEXT, E, E, E } },
    [EV_GRADED] = { "graded", { K_ATTEMPT, K_GRADE, K_FINAL, K_SECOND, K_DISCIPLINE, K_BY, E, E } },
    [EV_PIN_FAILED] = { "pin_failed", { K_COUNT, E, E, E, E, E, E, E } },
    [EV_PIN_LOCKED] = { "pin_locked", { K_UNTIL, E, E, E, E, E, E, E } },
    [EV_PASSPHRASE_FAILED] = { "passphrase_failed", { K_COUNT, E, E, E, E, E, E, E } },
    [EV_CORRECTION] = { "correction",
                        { K_ATTEMPT, K_GRADE, K_DISCIPLINE, K_BY, K_REASON, E, E, E } },
};
#undef E

static const char *const period_names[] = { "none", "prep", "answer" };
static const char *const handin_names[] = { "student", "time_up", "session_closed" };
static const char *const refusal_names[] = { "none",      "unknown",     "not_admitted", "expelled",
                                             "time_over", "already_sat", "busy" };
static const char *const extra_names[] = { "invigilator", "downtime" };

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *event_type_name(event_type t)
{
    return (t > EV_NONE && t < EV_TYPE_COUNT) ? shapes[t].name : "";
}

event_type event_type_parse(const char *name)
{
    for (int t = EV_NONE + 1; t < EV_TYPE_COUNT; t++)
        if (strcmp(shapes[t].name, name) == 0)
            return (event_type)t;
    return EV_NONE;
}

const char *event_period_name(event_period p)
{
    return (size_t)p < COUNT_OF(period_names) ? period_names[p] : "";
}

const char *event_handin_name(event_handin h)
{
    return (size_t)h < COUNT_OF(handin_names) ? handin_names[h] : "";
}

const char *event_refusal_name(event_refusal r)
{
    return (size_t)r < COUNT_OF(refusal_names) ? refusal_names[r] : "";
}

const char *event_extra_name(event_extra e)
{
    return (size_t)e < COUNT_OF(extra_names) ? extra_names[e] : "";
}

static int name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static bilet_field key_field(const event *ev, event_key k)
{
    const char *key = key_names[k];
    switch (k) {
    case K_ATTEMPT:
        return bilet_field_int(key, ev->attempt);
    case K_RECORD_BOOK:
        return bilet_field_str(key, ev->record_book);
    case K_FULL_NAME:
        return bilet_field_str(key, ev->full_name);
    case K_CODE:
        return bilet_field_str(key, ev->code);
    case K_SUBGROUP:
        return bilet_field_int(key, ev->subgroup);
    case K_TICKET:
        return bilet_field_int(key, ev->ticket);
    case K_SECOND:
        return bilet_field_bool(key, ev->second);
    case K_TICKET_DRAWN:
        return bilet_field_bool(key, ev->ticket_drawn);
    case K_PERIOD:
        return bilet_field_str(key, event_period_name(ev->period));
    case K_DEADLINE:
        return bilet_field_int(key, ev->deadline);
    case K_SECONDS:
        return bilet_field_int(key, ev->seconds);
    case K_SOURCE:
        return bilet_field_str(key, event_extra_name(ev->extra));
    case K_HANDIN:
        return bilet_field_str(key, event_handin_name(ev->handin));
    case K_REFUSAL:
        return bilet_field_str(key, event_refusal_name(ev->refusal));
    case K_GRADE:
        return bilet_field_str(key, grade_token(ev->grade_given));
    case K_FINAL:
        return bilet_field_str(key, grade_token(ev->grade_final));
    case K_DISCIPLINE:
        return bilet_field_str(key, ev->discipline);
    case K_COUNT:
        return bilet_field_int(key, ev->count);
    case K_UNTIL:
        return bilet_field_int(key, ev->until);
    case K_DATE_MISMATCH:
        return bilet_field_bool(key, ev->date_mismatch);
    case K_TODAY:
        return bilet_field_str(key, ev->today);
    case K_KIOSK_NAME:
        return bilet_field_str(key, ev->kiosk_name);
    case K_ROSTER_HASH:
        return bilet_field_str(key, ev->roster_hash);
    case K_BY:
        return bilet_field_str(key, ev->by);
    case K_REASON:
        return bilet_field_str(key, ev->reason);
    case K_CHARS:
        return bilet_field_int(key, ev->chars);
    case K_WORDS:
        return bilet_field_int(key, ev->words);
    case K_TEXT:
        return bilet_field_str(key, ev->text ? ev->text : "");
    case K_END:
        break;
    }
    return bilet_field_int(key, 0);
}

size_t event_to_fields(const event *ev, bilet_field out[BILET_FIELDS_MAX])
{
    size_t n = 0;
    if (ev->type <= EV_NONE || ev->type >= EV_TYPE_COUNT)
        return 0;
    const event_shape *sh = &shapes[ev->type];
    for (size_t i = 0; i < COUNT_OF(sh->keys) && sh->keys[i] != K_END; i++)
        out[n++] = key_field(ev, sh->keys[i]);
    return n;
}

static bilet_status want(const bilet_field *f, bilet_field_kind kind, const char *type,
                         const char *key, bilet_err *err)
{
    static const char *const kinds[] = { "a number", "a string", "true or false", "null" };
    if (!f)
        return bilet_fail(err, BILET_EPARSE, "record %s: field %s is missing", type, key);
    if (f->kind != kind)
        return bilet_fail(err, BILET_EPARSE, "record %s: field %s must be %s", type, key,
                          kinds[kind]);
    return BILET_OK;
}

static bilet_status copy_str(char *dst, size_t cap, const bilet_field *f, const char *type,
                             bilet_err *err)
{
    if (!text_copy(dst, cap, f->s))
        return bilet_fail(err, BILET_EPARSE, "record %s: field %s is longer than %zu bytes", type,
                          f->key, cap - 1);
    return BILET_OK;
}

static bilet_status enum_from(const bilet_field *f, const char *const *names, size_t n, int *out,
                              const char *type, bilet_err *err)
{
    int i = name_index(names, n, f->s);
    if (i < 0)
        return bilet_fail(err, BILET_EPARSE, "record %s: field %s has unknown value \"%s\"", type,
                          f->key, f->s);
    *out = i;
    return BILET_OK;
}

static bilet_status grade_from(const bilet_field *f, grade *out, const char *type, bilet_err *err)
{
    for (int g = 0; g < GRADE_COUNT; g++) {
        if (strcmp(grade_token((grade)g), f->s) == 0) {
            *out = (grade)g;
            return BILET_OK;
        }
    }
    return bilet_fail(err, BILET_EPARSE, "record %s: field %s has unknown grade \"%s\"", type,
                      f->key, f->s);
}

static bool key_is_str(event_key k)
{
    switch (k) {
    case K_RECORD_BOOK:
    case K_FULL_NAME:
    case K_CODE:
    case K_PERIOD:
    case K_SOURCE:
    case K_HANDIN:
    case K_REFUSAL:
    case K_GRADE:
    case K_FINAL:
    case K_DISCIPLINE:
    case K_TODAY:
    case K_KIOSK_NAME:
    case K_ROSTER_HASH:
    case K_BY:
    case K_REASON:
    case K_TEXT:
        return true;
    default:
        return false;
    }
}

static bool key_is_bool(event_key k)
{
    return k == K_SECOND || k == K_TICKET_DRAWN || k == K_DATE_MISMATCH;
}

static bilet_status key_read(event *ev, event_key k, const bilet_field *f, const char *type,
                             bilet_err *err)
{
    int v = 0;
    bilet_status st = BILET_OK;
    switch (k) {
    case K_ATTEMPT:
        ev->attempt = (int)f->i;
        break;
    case K_RECORD_BOOK:
        return copy_str(ev->record_book, sizeof ev->record_book, f, type, err);
    case K_FULL_NAME:
        return copy_str(ev->full_name, sizeof ev->full_name, f, type, err);
    case K_CODE:
        return copy_str(ev->code, sizeof ev->code, f, type, err);
    case K_SUBGROUP:
        ev->subgroup = (int)f->i;
        break;
    case K_TICKET:
        ev->ticket = (int)f->i;
        break;
    case K_SECOND:
        ev->second = f->i != 0;
        break;
    case K_TICKET_DRAWN:
        ev->ticket_drawn = f->i != 0;
        break;
    case K_PERIOD:
        st = enum_from(f, period_names, COUNT_OF(period_names), &v, type, err);
        ev->period = (event_period)v;
        break;
    case K_DEADLINE:
        ev->deadline = f->i;
        break;
    case K_SECONDS:
        ev->seconds = f->i;
        break;
    case K_SOURCE:
        st = enum_from(f, extra_names, COUNT_OF(extra_names), &v, type, err);
        ev->extra = (event_extra)v;
        break;
    case K_HANDIN:
        st = enum_from(f, handin_names, COUNT_OF(handin_names), &v, type, err);
        ev->handin = (event_handin)v;
        break;
    case K_REFUSAL:
        st = enum_from(f, refusal_names, COUNT_OF(refusal_names), &v, type, err);
        ev->refusal = (event_refusal)v;
        break;
    case K_GRADE:
        return grade_from(f, &ev->grade_given, type, err);
    case K_FINAL:
        return grade_from(f, &ev->grade_final, type, err);
    case K_DISCIPLINE:
        return copy_str(ev->discipline, sizeof ev->discipline, f, type, err);
    case K_COUNT:
        ev->count = (int)f->i;
        break;
    case K_UNTIL:
        ev->until = f->i;
        break;
    case K_DATE_MISMATCH:
        ev->date_mismatch = f->i != 0;
        break;
    case K_TODAY:
        return copy_str(ev->today, sizeof ev->today, f, type, err);
    case K_KIOSK_NAME:
        return copy_str(ev->kiosk_name, sizeof ev->kiosk_name, f, type, err);
    case K_ROSTER_HASH:
        return copy_str(ev->roster_hash, sizeof ev->roster_hash, f, type, err);
    case K_BY:
        return copy_str(ev->by, sizeof ev->by, f, type, err);
    case K_REASON:
        return copy_str(ev->reason, sizeof ev->reason, f, type, err);
    case K_CHARS:
        ev->chars = f->i;
        break;
    case K_WORDS:
        ev->words = f->i;
        break;
    case K_TEXT:
        ev->text = f->s;
        break;
    case K_END:
        break;
    }
    return st;
}

bilet_status event_from_fields(const char *type, int64_t time, const bilet_field *f, size_t n,
                               event *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    event_type t = event_type_parse(type);
    if (t == EV_NONE)
        return bilet_fail(err, BILET_EPARSE, "record type \"%s\" is not an exam event", type);
    out->type = t;
    out->time = time;
    const event_shape *sh = &shapes[t];
    for (size_t i = 0; i < COUNT_OF(sh->keys) && sh->keys[i] != K_END; i++) {
        event_key k = sh->keys[i];
        const bilet_field *fld = bilet_field_find(f, n, key_names[k]);
        bilet_field_kind kind = key_is_str(k)    ? BILET_FIELD_STR
                                : key_is_bool(k) ? BILET_FIELD_BOOL
                                                 : BILET_FIELD_INT;
        bilet_status st = want(fld, kind, type, key_names[k], err);
        if (st != BILET_OK)
            return st;
        st = key_read(out, k, fld, type, err);
        if (st != BILET_OK)
            return st;
    }
    return BILET_OK;
}

static bool is_word_cp(uint32_t cp)
{
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
        return true;
    if (cp < 0x80)
        return false;
    /* General punctuation, dashes and quotes are not letters. */
    if ((cp >= 0x2000 && cp <= 0x206F) || cp == 0x00A0 || cp == 0x00AB || cp == 0x00BB)
        return false;
    return true;
}

void event_count_text(const char *text, int64_t *chars, int64_t *words)
{
    *chars = 0;
    *words = 0;
    if (!text)
        return;
    size_t len = strlen(text);
    bool in_word = false;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = text_utf8_decode(text + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        (*chars)++;
        bool w = is_word_cp(cp);
        if (w && !in_word)
            (*words)++;
        in_word = w;
        i += k;
    }
}
