/*
 * session.h — the exam session state machine of one terminal.
 *
 * The UI sends intents (a key the student or invigilator pressed, already interpreted);
 * the machine checks the rules of the regulations, decides events, applies them to its
 * state and hands them back for the record log. Replaying the same events (from the log,
 * after a crash) rebuilds the same state: every deadline is data inside the events, the
 * clock is an argument, randomness comes through session_rng, and the answer text comes
 * through session_text when the machine must hand work in by itself. No SDL, SQLite,
 * libsodium or clock in here.
 *
 * Ownership: session_init keeps a pointer to the exam, which must outlive the session.
 * Events handed out borrow the session's strings and the answer text of the moment; the
 * caller persists them before the next call.
 */
#ifndef BILET_SESSION_H
#define BILET_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "exam.h"
#include "grade.h"
#include "status.h"

typedef enum session_screen {
    SCREEN_LOCKED,
    SCREEN_PIN,
    SCREEN_PASSPHRASE,
    SCREEN_INVIGILATOR,
    SCREEN_IDENTIFY,
    SCREEN_CONFIRM_STUDENT,
    SCREEN_TICKET,
    SCREEN_PREP,
    SCREEN_ANSWER,
    SCREEN_SUBMIT_CONFIRM,
    SCREEN_AWAY,
    SCREEN_DONE,
    SCREEN_PAUSED,
    SCREEN_CLOSED,
    SCREEN_COUNT
} session_screen;

typedef enum session_intent_kind {
    INTENT_INVIGILATOR,   /* F12: ask for the PIN */
    INTENT_PIN,           /* the PIN was checked: .ok */
    INTENT_BACK,          /* Esc */
    INTENT_OPEN,          /* F1: open the session; .text = today's date YYYY-MM-DD */
    INTENT_PASSPHRASE,    /* the package passphrase was checked: .ok */
    INTENT_PAUSE,         /* F2: pause / resume */
    INTENT_EXTRA_TIME,    /* F3 */
    INTENT_LEAVE,         /* F4: the student leaves / returns */
    INTENT_REMOVE,        /* F5: removal for cheating */
    INTENT_REFUSE,        /* F6: the student refuses */
    INTENT_ORAL_GRADE,    /* F7 …Enter: .grade (and .discipline for a complex exam) */
    INTENT_CLOSE,         /* F8: close the session; on closed: quit */
    INTENT_ACCESSIBILITY, /* F9: large type and high contrast */
    INTENT_IDENTIFY,      /* Enter on identify: .text = the record-book number */
    INTENT_CONFIRM,       /* Enter on confirm_student */
    INTENT_DRAW,          /* Enter on ticket */
    INTENT_READY,         /* Enter on prep */
    INTENT_SUBMIT_ASK,    /* Ctrl+Enter on answer */
    INTENT_SUBMIT,        /* Enter on submit_confirm */
    INTENT_SECOND_TICKET, /* F10 on answer */
    INTENT_NEXT,          /* Enter on done */
} session_intent_kind;

typedef struct session_intent {
    session_intent_kind kind;
    bool ok;
    grade grade_value;
    int discipline; /* index into exam.info.disciplines for a complex exam */
    const char *text;
} session_intent;

/* What the screen should tell the person in front of it after the last intent. */
typedef enum session_notice {
    NOTICE_NONE,
    NOTICE_UNKNOWN_STUDENT, /* «нет в ведомости» */
    NOTICE_NOT_ADMITTED,    /* «не допущен» */
    NOTICE_EXPELLED,        /* «отчислен» */
    NOTICE_TIME_OVER,       /* the written time is over */
    NOTICE_ALREADY_SAT,     /* this student's attempt here is finished */
    NOTICE_PIN_WRONG,
    NOTICE_PIN_LOCKED,
    NOTICE_PASSPHRASE_WRONG,
    NOTICE_NO_STUDENT, /* F3–F7 with no student at the terminal */
    NOTICE_NOT_OPEN,   /* the session is not open */
    NOTICE_ALREADY_OPEN,
    NOTICE_SECOND_TICKET_OFF, /* no second ticket in this exam */
    NOTICE_SECOND_TICKET_USED,
    NOTICE_NOT_ORAL,      /* F7 in a written exam */
    NOTICE_GRADE_INVALID, /* a grade that does not fit the form */
    NOTICE_DATE_MISMATCH, /* opened on another date than exam.ini's */
    NOTICE_EXTRA_TIME,    /* time added */
    NOTICE_DOWNTIME_CREDITED,
    NOTICE_TIME_WARNING,      /* 15, 5 or 1 minute left (see session_view.warning_minutes) */
    NOTICE_NOT_SEALED,        /* a passphrase intent for an exam that is not sealed */
    NOTICE_PASSPHRASE_LOCKED, /* a try while the passphrase prompt is locked */
} session_notice;

/* Randomness for the draw: a uniform integer in [0, upper). libsodium's
 * randombytes_uniform in production. */
typedef struct session_rng {
    void *ctx;
    uint32_t (*uniform)(void *ctx, uint32_t upper);
} session_rng;

/* The answer being typed, for work the machine hands in by itself (time up, session
 * closed). Returns a NUL-terminated string valid until the next call into the editor. */
typedef struct session_text {
    void *ctx;
    const char *(*answer)(void *ctx);
} session_text;

/* The sheet code of a record book, computed outside the logic (keyed BLAKE2b in blind
 * mode). Writes a NUL-terminated code into out. */
typedef struct session_coder {
    void *ctx;
    bilet_status (*code)(void *ctx, const char *record_book, char *out, size_t cap, bilet_err *err);
} session_coder;

typedef enum session_outcome {
    OUTCOME_NONE = 0,  /* still running */
    OUTCOME_SUBMITTED, /* handed in (by the student, time up, or closing) */
    OUTCOME_REFUSED,
    OUTCOME_REMOVED,
    OUTCOME_GRADED, /* oral: every grade entered */
} session_outcome;

enum {
    SESSION_SUBGROUPS_MAX = 16,
    SESSION_PIN_TRIES = 5,
    SESSION_PIN_LOCK_SECONDS = 300,
    SESSION_DONE_SECONDS = 10,
    SESSION_EXTRA_STEP_SECONDS = 300,
    SESSION_PASSPHRASE_FREE_TRIES = 3, /* the 3rd wrong passphrase locks the prompt 1 s, … */
    SESSION_PASSPHRASE_LOCK_MAX = 300, /* … doubling each time, at most this many seconds */
};

/* One student's attempt at this terminal. */
typedef struct session_attempt {
    int id;
    int student; /* index into exam.students */
    int subgroup;
    char code[RECORD_BOOK_MAX];
    int64_t identified_at;
    int ticket;       /* 0 before the draw */
    int first_ticket; /* the ticket given up for a second one, 0 if none */
    bool second;
    event_period period;
    int64_t period_deadline; /* oral: end of the running period; written: unused */
    int64_t extra_seconds;   /* roster minutes and invigilator credits */
    bool away;
    int64_t left_at;
    session_outcome outcome;
    event_handin handin;
    grade grades[EXAM_LIST_MAX]; /* final grades; one per discipline for a complex exam */
    size_t n_graded;
} session_attempt;

typedef struct session {
    const exam *exam;
    char kiosk_name[EXAM_TEXT_MAX];
    char roster_hash[EVENT_HASH_HEX];
    bool sealed;   /* tickets are in a sealed package */
    bool unsealed; /* the passphrase opened it in this run */

    session_screen screen;
    session_screen overlay_return; /* where Esc leaves pin/invigilator to */
    session_screen paused_return;
    session_screen away_return;
    session_screen ticket_return;     /* F10: answer, to go back with Esc */
    session_screen passphrase_return; /* after a restart: where the right passphrase leads */
    bool second_pending;
    session_notice notice;
    int warning_minutes; /* the last time warning given: 15, 5, 1 or 0 */

    bool opened;
    bool closed;
    bool quit;
    int64_t opened_at;
    bool paused;
    int64_t paused_at;
    int64_t paused_total;

    bool has_attempt; /* an attempt is at the terminal (running or just finished) */
    session_attempt attempt;
    int next_attempt;
    int64_t done_at;
    char pending_record_book[RECORD_BOOK_MAX]; /* identify → confirm_student */
    int pending_student;

    /* Per subgroup, which tickets have been drawn here since the pool was last full. */
    unsigned char *drawn; /* SESSION_SUBGROUPS_MAX × n_tickets, owned */
    int drawn_count[SESSION_SUBGROUPS_MAX];
    /* Finished attempts, by student index: a student sits once per session here. */
    unsigned char *finished; /* n_students, owned */

    int pin_failures;
    int64_t pin_locked_until;
    int passphrase_failures;         /* wrong passphrases in this session, from the log */
    int64_t passphrase_locked_until; /* the last failure's time + session_passphrase_delay */
    bool large_type;

    int64_t downtime_seconds; /* measured after a restart, offered on the first F3 */
    bool downtime_offered;

    session_rng rng;
    session_text text;
    session_coder coder;
} session;

/* Sets up a session for the exam. kiosk_name goes into session_opened; roster_hash is the
 * hex hash of the roster as loaded, sealed into session_opened. sealed: the tickets come
 * from a package that asks for a passphrase at F1 and after a restart. */
bilet_status session_init(session *s, const exam *e, const char *kiosk_name,
                          const char *roster_hash, bool sealed, session_rng rng, session_text text,
                          session_coder coder, bilet_err *err);
/* Releases what session_init allocated. NULL is fine. */
void session_free(session *s);

enum { SESSION_EVENTS_MAX = 8 };

typedef struct session_events {
    size_t n;
    event ev[SESSION_EVENTS_MAX];
} session_events;

/* Handles one intent at time now: checks the rules, applies the resulting events to the
 * state and appends them to out (which the caller persists in order). An intent that the
 * rules refuse changes no recorded state; the refusal is in s->notice. Returns BILET_OK, or
 * BILET_ESTATE / BILET_ERULE for an intent that makes no sense here (the notice says why). */
bilet_status session_handle(session *s, const session_intent *in, int64_t now, session_events *out,
                            bilet_err *err);

/* Lets time pass: periods that end by themselves, written time up (work handed in), the
 * done screen's 10 s, the PIN lockout, time warnings. Events into out as above. */
bilet_status session_tick(session *s, int64_t now, session_events *out, bilet_err *err);

/* Applies one event (replay from the log). The session_rng/text/coder are not used. */
bilet_status session_apply(session *s, const event *ev, bilet_err *err);

/* After replaying the log at start-up: puts the terminal on the screen the state calls for
 * (an unfinished attempt resumes on answer or prep; through passphrase first when sealed)
 * and remembers the measured downtime, offered to the invigilator on the first F3. */
void session_restore_finish(session *s, int64_t now, int64_t downtime_seconds);

/* The deadline of the attempt's running period (written: the student's end of the exam;
 * oral: the end of preparation or answer), or 0 when no period runs. */
int64_t session_deadline(const session *s);
/* Seconds left in the running period at now (frozen while paused), never negative; -1
 * when no period runs. */
int64_t session_time_left(const session *s, int64_t now);
/* The written exam's end for the whole room, without any student's extra time; 0 before
 * opening or for an oral exam. */
int64_t session_room_deadline(const session *s);

/* The student of the attempt at the terminal (or being confirmed), or NULL. */
const exam_student *session_student(const session *s);
/* The ticket drawn by the attempt, or NULL. */
const exam_ticket *session_ticket(const session *s);

/* How long the passphrase prompt stays locked after the n-th wrong passphrase: 0 before
 * the third, then 2^(n-3) seconds, at most SESSION_PASSPHRASE_LOCK_MAX. */
int64_t session_passphrase_delay(int failures);

const char *session_screen_name(session_screen sc);
/* The screen for a name ("answer"), SCREEN_COUNT when unknown. */
session_screen session_screen_parse(const char *name);

#endif
