/*
 * event.h — the events of an exam session: what the session machine decides and what the
 * record log keeps, one signed record each (docs/events.md lists them with their fields).
 *
 * An event is plain data. Strings live in fixed arrays inside it, except the answer text,
 * which is borrowed (from the editor on the way out, from the parsed record on replay) and
 * valid only as long as its owner keeps it. The conversion to and from bilet_field arrays is
 * here too, so that the machine, the store and `bilet results` agree on one vocabulary.
 */
#ifndef BILET_EVENT_H
#define BILET_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exam.h"
#include "field.h"
#include "grade.h"
#include "status.h"

typedef enum event_type {
    EV_NONE = 0,
    EV_SESSION_OPENED,
    EV_SESSION_PAUSED,
    EV_SESSION_RESUMED,
    EV_SESSION_CLOSED,
    EV_ENTRY_REFUSED,
    EV_STUDENT_IDENTIFIED,
    EV_TICKET_DRAWN,
    EV_PERIOD_STARTED,
    EV_STUDENT_LEFT,
    EV_STUDENT_RETURNED,
    EV_EXTRA_TIME,
    EV_ANSWER_SUBMITTED,
    EV_REFUSED,
    EV_REMOVED,
    EV_GRADED,
    EV_PIN_FAILED,
    EV_PIN_LOCKED,
    EV_PASSPHRASE_FAILED,
    EV_CORRECTION,
    EV_TYPE_COUNT
} event_type;

typedef enum event_period {
    PERIOD_NONE = 0,
    PERIOD_PREP,
    PERIOD_ANSWER,
} event_period;

/* Why an answer was handed in. */
typedef enum event_handin {
    HANDIN_STUDENT = 0,    /* the student submitted */
    HANDIN_TIME_UP,        /* the written time ran out */
    HANDIN_SESSION_CLOSED, /* the invigilator closed the session (unfinished work) */
} event_handin;

/* Why a student was not let in. */
typedef enum event_refusal {
    REFUSAL_NONE = 0,
    REFUSAL_UNKNOWN,      /* «нет в ведомости» */
    REFUSAL_NOT_ADMITTED, /* «не допущен» */
    REFUSAL_EXPELLED,     /* «отчислен» */
    REFUSAL_TIME_OVER,    /* the written exam's time is over */
    REFUSAL_ALREADY_SAT,  /* the student's attempt on this terminal is finished */
    REFUSAL_BUSY,         /* another student's attempt is still running here */
} event_refusal;

/* Why extra time was given. */
typedef enum event_extra {
    EXTRA_INVIGILATOR = 0, /* F3: +5 min */
    EXTRA_DOWNTIME,        /* F3 after a crash: the measured downtime */
} event_extra;

enum { EVENT_NOTE_MAX = 256, EVENT_HASH_HEX = 65 };

typedef struct event {
    event_type type;
    int64_t time; /* Unix seconds of the virtual or real clock */
    int attempt;  /* attempt number on this kiosk; 0 for session-level events */
    char record_book[RECORD_BOOK_MAX];
    char full_name[FULL_NAME_MAX];
    char code[RECORD_BOOK_MAX]; /* sheet code of the attempt */
    int subgroup;
    int ticket;
    bool second;           /* EV_TICKET_DRAWN, EV_GRADED: a second ticket */
    bool ticket_drawn;     /* EV_REFUSED: after the ticket */
    event_period period;   /* EV_PERIOD_STARTED */
    int64_t deadline;      /* EV_TICKET_DRAWN, EV_PERIOD_STARTED: when the period ends */
    int64_t seconds;       /* EV_EXTRA_TIME, EV_SESSION_RESUMED, EV_STUDENT_RETURNED, late */
    event_extra extra;     /* EV_EXTRA_TIME */
    event_handin handin;   /* EV_ANSWER_SUBMITTED */
    event_refusal refusal; /* EV_ENTRY_REFUSED */
    grade grade_given;     /* EV_GRADED as entered; EV_REFUSED, EV_REMOVED, EV_CORRECTION */
    grade grade_final;     /* EV_GRADED after the second-ticket penalty */
    char discipline[EXAM_TEXT_MAX];   /* EV_GRADED of a complex exam */
    int count;                        /* EV_PIN_FAILED, EV_PASSPHRASE_FAILED: failures so far;
                                         EV_SESSION_CLOSED: answers handed in unfinished */
    int64_t until;                    /* EV_PIN_LOCKED */
    bool date_mismatch;               /* EV_SESSION_OPENED */
    char today[EXAM_SHORT_MAX];       /* EV_SESSION_OPENED: the terminal's date */
    char kiosk_name[EXAM_TEXT_MAX];   /* EV_SESSION_OPENED */
    char roster_hash[EVENT_HASH_HEX]; /* EV_SESSION_OPENED: the sealed roster */
    char by[EXAM_TEXT_MAX];           /* EV_GRADED, EV_CORRECTION: who */
    char reason[EVENT_NOTE_MAX];      /* EV_CORRECTION: why */
    int64_t chars;                    /* EV_ANSWER_SUBMITTED, EV_REMOVED */
    int64_t words;
    const char *text; /* borrowed answer text, NUL-terminated, or NULL */
} event;

/* The record type string of an event ("session_opened"), "" for EV_NONE. */
const char *event_type_name(event_type t);
/* The type for a record type string; EV_NONE when unknown. */
event_type event_type_parse(const char *name);

const char *event_period_name(event_period p);
const char *event_handin_name(event_handin h);
const char *event_refusal_name(event_refusal r);
const char *event_extra_name(event_extra e);

/* Describes ev as fields in the fixed order of docs/events.md. The fields borrow ev's
 * strings: keep ev alive while the fields are used. Returns the number of fields. */
size_t event_to_fields(const event *ev, bilet_field out[BILET_FIELDS_MAX]);

/* Rebuilds an event from a record's type, time and fields. Strings are copied into the
 * event, except `text`, which keeps pointing into the fields. BILET_EPARSE names the field
 * that is missing or of the wrong kind. */
bilet_status event_from_fields(const char *type, int64_t time, const bilet_field *f, size_t n,
                               event *out, bilet_err *err);

/* Code points and words of an answer (words: runs of letters or digits). */
void event_count_text(const char *text, int64_t *chars, int64_t *words);

#endif
