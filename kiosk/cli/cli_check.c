/*
 * cli_check.c — `bilet check --exam DIR`: loads an exam directory the way a kiosk will,
 * and prints what it found (Russian first, English in brackets) or the one problem that
 * stops it, naming file, line and field. With --new-secret it also creates the exam's
 * code.key, the secret of blind sheet codes (32 random bytes, one line of hex, 0600,
 * never overwritten).
 *
 * A packed exam (FILE.bilet, docs/package.md) is read, its signature checked (against the
 * --trust keys when given) and its clear part loaded the same way; its tickets are counted,
 * never shown (no passphrase is asked for).
 *
 * Exit status: 0 the exam loads; 2 it does not (or bad usage, or code.key exists already
 * for --new-secret); 1 an unexpected failure (disk, memory), or a package with a bad
 * signature or signed by a key not trusted.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "exam.h"
#include "examdir.h"
#include "keys.h"
#include "package.h"

enum { CODE_KEY_BYTES = 32, TRUST_MAX = 16 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bilet check --exam DIR|FILE.bilet [--policies DIR] [--trust STAFF.pub]...\n"
            "                   [--new-secret]\n\n"
            "Loads an exam directory (exam.ini, roster.csv, tickets.csv) and the policy\n"
            "profile exam.ini names, checks them as a kiosk would, and prints a summary.\n"
            "The first problem found is printed on one line naming file, line and field,\n"
            "and the exit status is 2.\n\n"
            "  --exam DIR          the exam directory, or a packed exam FILE.bilet\n"
            "  --policies DIR      the folder of policy profiles (default: $BILET_POLICIES,\n"
            "                      then DIR/../policies, then the installed profiles)\n"
            "  --trust STAFF.pub   a staff key a packed exam may be signed by (repeat for\n"
            "                      several); exit 1 for a bad or untrusted signature (a plain\n"
            "                      directory is unsigned; this only notes that)\n"
            "  --new-secret        create DIR/code.key, the secret of blind sheet codes\n"
            "                      (refused if it exists: printed sheets depend on it)\n"
            "  -h, --help          this text\n");
}

static const char *mode_ru(exam_mode m)
{
    return m == EXAM_MODE_ORAL ? "устный" : "письменный";
}

static void print_list(const char *label, const exam_list *l, bool chair)
{
    if (l->n == 0)
        return;
    printf("  %s: ", label);
    for (size_t i = 0; i < l->n; i++) {
        printf("%s%s", i ? ", " : "", l->item[i]);
        if (chair && i == 0)
            printf(" — председатель (chair)");
    }
    printf("\n");
}

/* "2" or "2–3": the least and most of something per ticket. */
static void print_range(size_t lo, size_t hi)
{
    if (lo == hi)
        printf("%zu", lo);
    else
        printf("%zu–%zu", lo, hi);
}

static void print_tickets(const exam *e)
{
    if (!e->tickets) {
        printf("  билеты (tickets): %zu, запечатаны в пакете (sealed in the package)\n",
               e->n_tickets);
        return;
    }
    size_t qlo = (size_t)-1, qhi = 0, tlo = (size_t)-1, thi = 0;
    for (size_t i = 0; i < e->n_tickets; i++) {
        size_t q = 0;
        size_t t = 0;
        for (size_t j = 0; j < e->tickets[i].n_questions; j++) {
            if (e->tickets[i].question[j].kind == QUESTION_THEORY)
                q++;
            else
                t++;
        }
        qlo = q < qlo ? q : qlo;
        qhi = q > qhi ? q : qhi;
        tlo = t < tlo ? t : tlo;
        thi = t > thi ? t : thi;
    }
    printf("  билеты (tickets): %zu; в билете вопросов ", e->n_tickets);
    print_range(qlo, qhi);
    printf(", задач ");
    print_range(tlo, thi);
    printf(" (per ticket: questions ");
    print_range(qlo, qhi);
    printf(", tasks ");
    print_range(tlo, thi);
    printf(")\n");
}

static void print_summary(const exam *e, const char *policies, const char *code_key_state,
                          bool trust_given)
{
    const exam_info *in = &e->info;
    size_t count[3] = { 0, 0, 0 };
    size_t extra = 0;
    for (size_t i = 0; i < e->n_students; i++) {
        count[e->students[i].status]++;
        extra += e->students[i].extra_minutes > 0;
    }
    printf("Экзамен (exam) %s: %s\n", in->id, in->discipline);
    if (in->institution[0])
        printf("  учреждение (institution): %s\n", in->institution);
    printf("  форма (form): %s, %s (%s, %s)\n", exam_form_title_ru(in->form), mode_ru(in->mode),
           exam_form_name(in->form), exam_mode_name(in->mode));
    printf("  группа (group): %s\n", in->group);
    printf("  дата (date): %s", in->date);
    if (in->start[0])
        printf(", начало (start) %s", in->start);
    if (in->room[0])
        printf(", аудитория (room) %s", in->room);
    printf("\n");
    print_list("экзаменаторы (examiners)", &in->examiners, false);
    print_list("комиссия (commission)", &in->commission, true);
    print_list("дисциплины (disciplines)", &in->disciplines, false);
    printf("  студенты (students): допущены %zu / не допущены %zu / отчислены %zu; "
           "с дополнительным временем %zu "
           "(%zu admitted / %zu not admitted / %zu expelled, %zu with extra time)\n",
           count[STUDENT_ADMITTED], count[STUDENT_NOT_ADMITTED], count[STUDENT_EXPELLED], extra,
           count[STUDENT_ADMITTED], count[STUDENT_NOT_ADMITTED], count[STUDENT_EXPELLED], extra);
    if (in->subgroups > 1)
        printf("  подгрупп (subgroups): %d\n", in->subgroups);
    print_tickets(e);
    printf("  время, мин (minutes): подготовка %d, ответ %d (preparation %d, answer %d)\n",
           in->prep_minutes, in->answer_minutes, in->prep_minutes, in->answer_minutes);
    printf("  профиль (policy): %s (%s/%s.ini)\n", e->policy.name, policies, e->policy.name);
    if (in->code == EXAM_CODE_BLIND)
        printf("  шифр листов (sheet code): по секрету code.key, %s (blind)\n", code_key_state);
    else
        printf("  шифр листов (sheet code): номер зачётной книжки (record_book)\n");
    if (in->second_ticket)
        printf("  второй билет (second ticket): да%s (yes%s)\n",
               e->policy.second_ticket_penalty ? ", оценка на балл ниже" : "",
               e->policy.second_ticket_penalty ? ", grade one point lower" : "");
    else
        printf("  второй билет (second ticket): нет (no)\n");
    if (in->attempt == e->policy.commission_attempt)
        printf("  попытка (attempt): %d — перед комиссией (before a commission)\n", in->attempt);
    else
        printf("  попытка (attempt): %d\n", in->attempt);
    if (trust_given)
        printf("  подпись (signature): нет — это папка, не пакет (unsigned: a plain directory; "
               "--trust applies to packed exams)\n");
}

/* Prints the message; exit 2 for everything the exam's author can fix (a missing file
 * included), 1 for the machine's own failures (disk, memory). */
static int fail(bilet_status st, const bilet_err *err)
{
    int rc = cli_report("check", st, err);
    return st == BILET_EIO || st == BILET_ENOMEM ? rc : 2;
}

/* Creates DIR/code.key; BILET_EEXIST, changing nothing, when there is one. */
static bilet_status new_secret(const char *path, bilet_err *err)
{
    struct stat sb;
    if (lstat(path, &sb) == 0)
        return bilet_fail(err, BILET_EEXIST,
                          "%s exists already; bilet never replaces a code secret (codes on "
                          "printed sheets depend on it)",
                          path);
    unsigned char key[CODE_KEY_BYTES];
    keys_random(key, sizeof key);
    bilet_status st = keys_file_write_hex(path, key, sizeof key, err);
    keys_wipe(key, sizeof key);
    return st;
}

/* Reads an existing code.key to make sure the kiosk can; warns when others may read it. */
static bilet_status check_secret(const char *path, bool *present, bilet_err *err)
{
    struct stat sb;
    *present = false;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT)
            return BILET_OK;
        return bilet_fail(err, BILET_EIO, "%s: %s", path, strerror(errno));
    }
    unsigned char key[CODE_KEY_BYTES];
    bilet_status st = keys_file_read_hex(path, key, sizeof key, err);
    keys_wipe(key, sizeof key);
    if (st != BILET_OK)
        return st;
    *present = true;
    if (sb.st_mode & 077)
        fprintf(stderr,
                "bilet check: warning: %s may be read by others (mode %04o); "
                "chmod 600 it\n",
                path, (unsigned)(sb.st_mode & 07777));
    return BILET_OK;
}

/* `bilet check --exam FILE.bilet`: signature, trust, then the clear part as a kiosk loads
 * it. Exit 1 for a bad or untrusted signature, 2 for a malformed package or exam. */
static int check_package(const char *path, const char *policies_opt, const char *const *trust,
                         size_t n_trust)
{
    bilet_err err = { { 0 } };
    package p;
    bilet_status st = package_read(path, &p, &err);
    if (st == BILET_EBADSIG)
        return cli_report("check", st, &err);
    if (st != BILET_OK)
        return fail(st, &err);
    int rc = 0;
    exam e = { 0 };
    if (n_trust > 0) {
        st = package_check_trust(&p, path, trust, n_trust, &err);
        if (st != BILET_OK) {
            rc = st == BILET_EBADSIG ? cli_report("check", st, &err) : fail(st, &err);
            goto out_free;
        }
    }
    char policies[EXAMDIR_PATH_MAX];
    st = examdir_find_policies(path, policies_opt, NULL, policies, sizeof policies, &err);
    examdir_bytes files = {
        .exam_ini = p.exam_ini,
        .exam_ini_len = p.exam_ini_len,
        .roster = p.roster,
        .roster_len = p.roster_len,
        .sealed_tickets = p.n_tickets,
    };
    if (st == BILET_OK)
        st = examdir_load_bytes(path, &files, policies, &e, &err);
    if (st == BILET_OK && strcmp(e.info.id, p.exam_id) != 0)
        st = bilet_fail(&err, BILET_EPARSE,
                        "%s: field exam: the package says \"%s\", its exam.ini says \"%s\"", path,
                        p.exam_id, e.info.id);
    if (st == BILET_OK && e.info.code == EXAM_CODE_BLIND && !p.has_code_key)
        st = bilet_fail(&err, BILET_EPARSE,
                        "%s: field code_key: a blind exam's package must seal its code.key", path);
    if (st != BILET_OK) {
        rc = fail(st, &err);
        goto out_free;
    }
    print_summary(&e, policies,
                  p.has_code_key ? "запечатан в пакете (sealed in the package)" : "нет (none)",
                  false);
    char hex[2 * KEYS_PUBLIC_BYTES + 1], when[32];
    keys_hex_encode(p.staff_pk, KEYS_PUBLIC_BYTES, hex, sizeof hex, NULL);
    time_t t = (time_t)p.created;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        when[0] = '\0';
    printf("  пакет (package): подписан ключом (signed by) %s, создан (created) %s%s\n", hex, when,
           p.central ? "; копия для центра (sealed to the central key too)" : "");
    if (n_trust > 0)
        printf("  подпись (signature): верна, ключ доверенный (good, by a trusted key)\n");
    else
        fprintf(stderr,
                "bilet check: warning: %s: the signature was not checked against a trusted key "
                "(give --trust STAFF.pub); anybody could have made this package\n",
                path);
out_free:
    exam_free(&e);
    package_free(&p);
    return rc;
}

int cli_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "exam", required_argument, NULL, 'e' },  { "policies", required_argument, NULL, 'p' },
        { "trust", required_argument, NULL, 't' }, { "new-secret", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
    };
    const char *exam_dir = NULL;
    const char *policies_opt = NULL;
    const char *trust[TRUST_MAX];
    size_t n_trust = 0;
    bool make_secret = false;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'e':
            exam_dir = optarg;
            break;
        case 'p':
            policies_opt = optarg;
            break;
        case 't':
            if (n_trust == TRUST_MAX)
                return cli_usage_error("check", "--trust given more than %d times", TRUST_MAX);
            trust[n_trust++] = optarg;
            break;
        case 'n':
            make_secret = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_getopt_error("check", "h", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("check", "unexpected argument '%s'", argv[optind]);
    if (!exam_dir)
        return cli_usage_error("check", "--exam DIR is required");

    bilet_err err = { { 0 } };
    struct stat sb;
    if (stat(exam_dir, &sb) != 0) {
        bilet_fail(&err, BILET_ENOTFOUND, "%s: no such exam directory", exam_dir);
        return fail(BILET_ENOTFOUND, &err);
    }
    if (S_ISREG(sb.st_mode)) {
        if (make_secret)
            return cli_usage_error("check", "--new-secret is for an exam directory; a package "
                                            "carries its code secret sealed");
        return check_package(exam_dir, policies_opt, trust, n_trust);
    }
    char policies[EXAMDIR_PATH_MAX];
    bilet_status st =
        examdir_find_policies(exam_dir, policies_opt, NULL, policies, sizeof policies, &err);
    if (st != BILET_OK)
        return fail(st, &err);
    exam e;
    st = examdir_load(exam_dir, policies, &e, &err);
    if (st != BILET_OK)
        return fail(st, &err);

    int rc = 0;
    char key_path[EXAMDIR_PATH_MAX];
    int n = snprintf(key_path, sizeof key_path, "%s%scode.key", exam_dir,
                     exam_dir[0] && exam_dir[strlen(exam_dir) - 1] == '/' ? "" : "/");
    if (n < 0 || (size_t)n >= sizeof key_path) {
        rc = cli_usage_error("check", "%s: path too long", exam_dir);
        goto out_free;
    }
    const char *key_state = "нет (missing)";
    if (make_secret) {
        st = new_secret(key_path, &err);
        if (st != BILET_OK) {
            rc = fail(st, &err);
            goto out_free;
        }
        key_state = "создан (created)";
    } else {
        bool present;
        st = check_secret(key_path, &present, &err);
        if (st != BILET_OK) {
            rc = fail(st, &err);
            goto out_free;
        }
        if (present)
            key_state = "есть (present)";
        else if (e.info.code == EXAM_CODE_BLIND)
            fprintf(stderr,
                    "bilet check: warning: %s is missing; a blind exam cannot be opened without "
                    "it — create it with: bilet check --exam %s --new-secret\n",
                    key_path, exam_dir);
    }
    print_summary(&e, policies, key_state, n_trust > 0);
    if (make_secret)
        printf("code.key создан (created): %s, 0600%s\n", key_path,
               e.info.code == EXAM_CODE_BLIND ? "" : " — code = record_book does not use it");
out_free:
    exam_free(&e);
    return rc;
}
