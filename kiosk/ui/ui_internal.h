/*
 * ui_internal.h — the UI's state and the helpers its files share (ui.c: input and
 * lifecycle; ui_layout.c: sizes and text layout; screen_*.c: one group of screens each).
 *
 * Invariants: every buffer here is fixed-size and allocated with the ui, so a frame
 * allocates nothing; the layout (sizes, panes, the editor's viewport) is recomputed by
 * ui_sync before any input is handled or frame drawn, so the editor always has the
 * viewport and font of the screen the student sees.
 */
#ifndef BILET_UI_INTERNAL_H
#define BILET_UI_INTERNAL_H

#include "i18n.h"
#include "theme.h"
#include "ui.h"

enum {
    UI_FIELD_MAX = UI_ACTION_TEXT_MAX, /* PIN, passphrase, record book (RECORD_BOOK_MAX - 1) */
    UI_EDITOR_ROWS_MAX = 200,          /* visible editor lines drawn at most */
    UI_LINE_MAX = 8192,                /* bytes of one editor line drawn at most */
    UI_SCRATCH_MAX = 2048,             /* a formatted or cut line */
    UI_WARNING_SECONDS = 60,           /* how long a time warning's banner shows */
    UI_TYPING_PAUSE = 1,               /* seconds without typing that end an undo step */
    UI_CLOCK_RED_SECONDS = 300,        /* the clock turns red in the last 5 minutes */
};

typedef struct ui_rect {
    int x, y, w, h;
} ui_rect;

/* Pixel sizes for the current window and type size. */
typedef struct ui_sizes {
    int pad, gap, border;
    int header_h, footer_h, banner_h;
    int f_header_small, f_header, f_clock, f_clock_label;
    int f_body, f_small, f_title, f_huge, f_footer, f_banner;
    int caret_w;
} ui_sizes;

/* Where things go on the student's screens, for the current window, type size and banner. */
typedef struct ui_layout {
    bool large; /* computed for large type */
    bool banner;
    ui_sizes z;     /* the student's screens */
    ui_sizes staff; /* the invigilator's screens: never large */
    ui_rect header, content, footer, banner_rect;
    ui_rect questions;   /* answer: the ticket's pane */
    ui_rect editor_box;  /* answer: the editor's frame */
    ui_rect editor_view; /* answer: the editor's viewport inside it */
    ui_rect status_bar;  /* answer: counts and «Сохранено» under the editor */
} ui_layout;

typedef enum ui_input_problem {
    UI_PROBLEM_NONE,
    UI_PROBLEM_TOO_LONG, /* the answer reached EDITOR_MAX_BYTES */
    UI_PROBLEM_MEMORY,   /* the editor could not grow */
} ui_input_problem;

struct ui {
    ui_metrics m;
    int width, height;
    char lang[I18N_LANG_MAX];
    ui_layout lay;

    editor *ed;
    int ed_font; /* the editor's FONT_REGULAR size */
    ui_rect ed_view;
    int bound_attempt;
    int64_t last_edit; /* when the student last typed, for the undo step */
    ui_input_problem problem;
    char *answer;        /* ui_answer_text's copy */
    uint64_t answer_rev; /* the editor revision it copies */
    bool answer_current;
    bool press_in_editor; /* the last mouse press was in the editor: drags select */
    bool wheel_questions; /* the last press was in the questions: the wheel scrolls them */

    /* The entry field of the pin, passphrase and identify screens. */
    session_screen field_screen;
    char field[UI_FIELD_MAX];
    size_t field_len;
    char last_record_book[RECORD_BOOK_MAX]; /* shown with a refusal */

    session_screen last_screen;
    bool grade_mode; /* F7 on the invigilator screen */
    grade grade_choice;

    char today[16];
    int warning_seen; /* s->warning_minutes when its banner started */
    int64_t warning_at;

    /* The ticket's pane: the type size that fits, and the scroll. */
    int q_ticket, q_w, q_h, q_base, q_size, q_total;
    unsigned q_gen;
    int q_scroll;

    editor_line lines[UI_EDITOR_ROWS_MAX];
    char line[UI_LINE_MAX];
    char scratch[UI_SCRATCH_MAX];
    char scratch2[UI_SCRATCH_MAX];
};

/* ---- ui.c ---- */

/* Brings the UI up to date with the session before input or a frame: a new screen clears
 * the entry fields (the PIN wiped), a new attempt empties the editor, the layout follows the
 * window, the type size and the banner. */
void ui_sync(ui *u, const session *s, int64_t now);
/* Whether the time-warning banner shows at now. */
bool ui_banner_active(ui *u, const session *s, int64_t now);

/* ---- ui_layout.c ---- */

/* Sizes for the window, large type or not. */
void ui_sizes_compute(ui_sizes *z, int width, int height, bool large);
/* Lays out the panes of the student's screens. */
void ui_layout_compute(ui_layout *l, int width, int height, bool large, bool banner);

/* Width in px of len bytes of UTF-8, as the sum of the code points' advances. */
int ui_text_w(ui *u, draw_font font, int size, const char *s, size_t len);
int ui_line_h(ui *u, draw_font font, int size);
/* A line of text at (x, y), cut with «…» to max_w px (max_w ≤ 0: no limit). Returns the
 * width drawn. */
int ui_put(ui *u, draw_list *dl, int x, int y, draw_font font, int size, uint32_t color,
           const char *s, int max_w);
/* The same, centred on the horizontal span [x, x + w). */
int ui_put_center(ui *u, draw_list *dl, int x, int w, int y, draw_font font, int size,
                  uint32_t color, const char *s);
/* Right-aligned so that it ends at x_end. */
int ui_put_right(ui *u, draw_list *dl, int x_end, int y, draw_font font, int size, uint32_t color,
                 const char *s, int max_w);
/* Word-wraps text into lines of w px from (x, y), '\n' breaking lines. Draws (dl not NULL)
 * the lines that fall wholly within [clip_y0, clip_y1) and returns the height of all of
 * them; centre: each line centred in [x, x + w). */
int ui_wrap(ui *u, draw_list *dl, const char *text, size_t len, int x, int y, int w, draw_font font,
            int size, uint32_t color, int clip_y0, int clip_y1, bool centre);
/* Formats a duration as the clock shows it: mm:ss under 100 minutes ("89:59"), h:mm:ss
 * from there ("2:59:59"). Negative counts as 0. */
void ui_format_clock(char *out, size_t cap, int64_t seconds);
/* Formats into u->scratch with printf rules; returns it. */
const char *ui_fmt(ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same into u->scratch2, for a second string alive at once. */
const char *ui_fmt2(ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- screens ---- */

/* The palette of the student's screens (high contrast in large type). */
const ui_theme *ui_student_theme(const session *s);
/* The word for a grade in the current language («отлично»). */
const char *ui_grade_word(grade g);

/* The header bar (institution, discipline, group, room) and, when a period runs, the clock. */
void ui_draw_header(ui *u, const session *s, int64_t now, const ui_theme *t, const ui_sizes *z,
                    draw_list *dl);
/* The key hints bar; kiosk name on the right. */
void ui_draw_footer(ui *u, const session *s, const ui_theme *t, const ui_sizes *z, const char *hint,
                    draw_list *dl);
/* A one-line message box centred in [x, x + w) at y: returns its height. */
int ui_draw_message(ui *u, draw_list *dl, int x, int y, int w, const char *text, int size,
                    uint32_t fg, uint32_t bg);

void ui_screen_locked(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_identify(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_confirm(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_ticket(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_prep(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_answer(ui *u, const session *s, const ui_status *st, int64_t now, draw_list *dl);
void ui_screen_submit(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_away(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_done(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_paused(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_closed(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_pin(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_passphrase(ui *u, const session *s, int64_t now, draw_list *dl);
void ui_screen_invigilator(ui *u, const session *s, const ui_status *st, int64_t now,
                           draw_list *dl);

/* The answer editor laid out in its viewport: selection, lines, caret, IME composition. */
void ui_draw_editor(ui *u, const ui_theme *t, draw_list *dl);
/* The ticket's questions in the pane r, fitted or scrolled. */
void ui_draw_questions(ui *u, const session *s, const ui_theme *t, const ui_sizes *z, ui_rect r,
                       draw_list *dl);
/* Scrolls the ticket's pane by lines of its type. */
void ui_scroll_questions(ui *u, int lines);

#endif
