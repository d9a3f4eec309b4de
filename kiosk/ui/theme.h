/*
 * theme.h — the kiosk's colours and type sizes.
 *
 * Three palettes: the student's screens (calm dark blue on white), the same screens in high
 * contrast (F9: black on white, thicker borders) and the invigilator's screens (dark, so that
 * nobody mistakes them for the student's). Sizes are given for a 1024×768 window and scaled
 * with the window (ui_layout.c): the smaller of height/768 and width/1024, so a 4:3 and a
 * 16:9 screen both keep every line inside. Large type multiplies the student's text sizes by
 * THEME_LARGE_NUM/THEME_LARGE_DEN. Colours are 0xRRGGBBAA as draw.h takes them.
 */
#ifndef BILET_THEME_H
#define BILET_THEME_H

#include <stdint.h>

typedef struct ui_theme {
    uint32_t bg;           /* the page */
    uint32_t text;         /* body text */
    uint32_t muted;        /* secondary text: labels, hints */
    uint32_t accent;       /* headings, question labels, the focus frame */
    uint32_t header_bg;    /* the bar with institution, discipline, group, room */
    uint32_t header_text;  /* its main line */
    uint32_t header_muted; /* its second line */
    uint32_t card_bg;      /* panels: the entry field, the invigilator's blocks */
    uint32_t card_border;
    uint32_t pane_bg; /* the ticket's questions */
    uint32_t editor_bg;
    uint32_t selection;
    uint32_t caret;
    uint32_t danger;    /* the clock's last 5 minutes, refusals, store problems */
    uint32_t danger_bg; /* behind a refusal */
    uint32_t ok;        /* «Сохранено» */
    uint32_t warn_bg;   /* the time-warning banner */
    uint32_t warn_text;
    uint32_t footer_bg; /* the key hints */
    uint32_t key_bg;    /* a key's badge: «F1», «Enter» */
    uint32_t key_text;
    int border; /* px at 1024×768 */
} ui_theme;

extern const ui_theme theme_student;
extern const ui_theme theme_contrast;
extern const ui_theme theme_staff;

/* Sizes in px for a 1024×768 window. */
enum {
    THEME_BASE_WIDTH = 1024,
    THEME_BASE_HEIGHT = 768,
    THEME_PAD = 24,      /* margins of the page and of panels */
    THEME_GAP = 14,      /* between blocks */
    THEME_HEADER_H = 78, /* header bar */
    THEME_FOOTER_H = 46, /* key hints bar */
    THEME_BANNER_H = 52, /* time-warning banner */
    THEME_F_HEADER_SMALL = 17,
    THEME_F_HEADER = 24,
    THEME_F_CLOCK = 44, /* the clock in the header: readable from a metre away */
    THEME_F_CLOCK_LABEL = 15,
    THEME_F_BODY = 24,  /* questions and the answer */
    THEME_F_SMALL = 18, /* counts, notes */
    THEME_F_TITLE = 36, /* a screen's title */
    THEME_F_HUGE = 56,  /* the record-book field, the student's name, the prep clock */
    THEME_F_FOOTER = 18,
    THEME_F_BANNER = 26,
    THEME_CARET_W = 2,
    THEME_LARGE_NUM = 13, /* large type: ×1.3 */
    THEME_LARGE_DEN = 10,
    THEME_QUESTIONS_PERCENT = 38, /* the questions pane's share of the width on answer */
    THEME_MIN_FONT = 9,           /* no text is drawn smaller, even in a tiny window */
};

#endif
