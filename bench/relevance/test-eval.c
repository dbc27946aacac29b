/* test-eval.c - the benchmark's scorer, on rankings worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval.h"
#include "unit.h"

#define EPS 1e-7

static char paths[4][32];
static int n_paths;

static const char *
write_file(const char *content)
{
    char *path = paths[n_paths++ % 4];
    int fd;

    snprintf(path, sizeof paths[0], "/tmp/test-eval.XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, content, strlen(content)),
                     (ssize_t)strlen(content));
    close(fd);
    return path;
}

static struct eval_qrels *
qrels_of(const char *content)
{
    struct eval_qrels *q = NULL;
    struct tl_error err = { 0 };
    const char *path = write_file(content);

    ck_assert_msg(eval_qrels_load(path, &q, &err) == TL_OK, "%s", err.msg);
    unlink(path);
    return q;
}

static struct eval_run *
run_of(const char *content)
{
    struct eval_run *r = NULL;
    struct tl_error err = { 0 };
    const char *path = write_file(content);

    ck_assert_msg(eval_run_load(path, &r, &err) == TL_OK, "%s", err.msg);
    unlink(path);
    return r;
}

/* q1: a=1 b=1 c=0 d=2; q2: x=1; q3: y=1 (not in the run); q4: only a
 * non-relevant judgement (not averaged). */
static const char qrels_text[] =
    "q1\ta\t1\nq1\tb\t1\nq1\tc\t0\nq1\td\t2\nq2\tx\t1\nq3\ty\t1\nq4\tz\t0\n";

/* q1 ranks c a e d (a again, lower: counted once); q2's tie puts x (the
 * larger id) first. */
static const char run_text[] =
    "q1 Q0 a 1 4.0 t\nq1 Q0 c 2 5.0 t\nq1 Q0 e 3 3 t\nq1 Q0 d 4 2.0 t\n"
    "q1 Q0 a 5 1.0 t\nq2 Q0 w 1 1.0 t\nq2 Q0 x 2 1.0 t\nq9 Q0 x 1 1 t\n";

struct per {
    char text[256];
};

static void
note(void *ctx, const char *qid, const struct eval_scores *s)
{
    struct per *p = ctx;
    size_t len = strlen(p->text);

    snprintf(p->text + len, sizeof p->text - len, "%s %.4f %.4f %.4f %.4f;",
             qid, s->ndcg10, s->map, s->recall100, s->mrr10);
}

START_TEST(test_means_match_hand_computed_figures)
{
    struct eval_qrels *q = qrels_of(qrels_text);
    struct eval_run *r = run_of(run_text);
    struct eval_scores m;
    struct tl_error err = { 0 };
    struct per p = { "" };
    size_t n = 0;

    ck_assert_int_eq(eval_run_score(q, r, &m, &n, note, &p, &err), TL_OK);
    /* q1: DCG = 1/log2(3) + 2/log2(5), IDCG = 2 + 1/log2(3) + 1/2 */
    ck_assert_str_eq(p.text, "q1 0.4766 0.3333 0.6667 0.5000;"
                             "q2 1.0000 1.0000 1.0000 1.0000;"
                             "q3 0.0000 0.0000 0.0000 0.0000;");
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq_tol(m.ndcg10, 0.4922087, EPS);
    ck_assert_double_eq_tol(m.map, 0.4444444, EPS);
    ck_assert_double_eq_tol(m.recall100, 0.5555556, EPS);
    ck_assert_double_eq_tol(m.mrr10, 0.5, EPS);
    eval_run_free(r);
    eval_qrels_free(q);
}
END_TEST

START_TEST(test_cutoffs_apply_to_each_measure)
{
    struct eval_qrels *q = qrels_of("q\trel\t1\nq\tfar\t1\n");
    const char *docs[120];
    char names[120][16];
    struct eval_scores s;

    for (int i = 0; i < 120; i++) {
        snprintf(names[i], sizeof names[i], "n%d", i);
        docs[i] = names[i];
    }
    docs[10] = "rel";     /* rank 11: past nDCG@10 and MRR@10 */
    docs[100] = "far";    /* rank 101: past Recall@100, still in MAP */
    eval_query(q, "q", docs, 120, &s);
    ck_assert_double_eq_tol(s.ndcg10, 0, EPS);
    ck_assert_double_eq_tol(s.mrr10, 0, EPS);
    ck_assert_double_eq_tol(s.recall100, 0.5, EPS);
    ck_assert_double_eq_tol(s.map, (1.0 / 11 + 2.0 / 101) / 2, EPS);
    eval_qrels_free(q);
}
END_TEST

START_TEST(test_gains_are_linear_in_the_grade)
{
    struct eval_qrels *q = qrels_of("q\ttwo\t2\nq\tone\t1\n");
    const char *docs[] = { "one", "two" };
    struct eval_scores s;

    eval_query(q, "q", docs, 2, &s);
    /* DCG = 1 + 2/log2(3); IDCG = 2 + 1/log2(3) */
    ck_assert_double_eq_tol(s.ndcg10, (1 + 2 / 1.5849625007)
                                          / (2 + 1 / 1.5849625007), 1e-6);
    eval_qrels_free(q);
}
END_TEST

START_TEST(test_trec_qrels_header_and_repeats)
{
    /* the 4-column form, a header line, and a pair judged twice (the
     * later line wins) */
    struct eval_qrels *q = qrels_of("query iter doc rel\nq 0 a 0\n"
                                    "q 0 b 1\nq 0 a 3\n");

    ck_assert_int_eq(eval_qrels_grade(q, "q", "a"), 3);
    ck_assert_int_eq(eval_qrels_grade(q, "q", "b"), 1);
    ck_assert_int_eq(eval_qrels_grade(q, "q", "zz"), 0);
    ck_assert_int_eq(eval_qrels_grade(q, "other", "a"), 0);
    ck_assert_uint_eq(eval_qrels_queries(q), 1);
    eval_qrels_free(q);
}
END_TEST

static int
keep_b(void *ctx, const char *doc)
{
    (void)ctx;
    return strcmp(doc, "b") == 0;
}

START_TEST(test_filter_drops_judgements_and_empty_queries)
{
    struct eval_qrels *q = qrels_of("q1\ta\t1\nq1\tb\t1\nq2\ta\t1\n");

    eval_qrels_filter(q, keep_b, NULL);
    ck_assert_int_eq(eval_qrels_has_relevant(q, "q1"), 1);
    ck_assert_int_eq(eval_qrels_has_relevant(q, "q2"), 0);
    ck_assert_uint_eq(eval_qrels_queries(q), 1);
    eval_qrels_free(q);
}
END_TEST

START_TEST(test_bad_lines_are_refused)
{
    struct eval_qrels *q = NULL;
    struct eval_run *r = NULL;
    struct tl_error err = { 0 };
    const char *path;

    path = write_file("q\ta\t1\nq\tb\tyes\n");
    ck_assert_int_eq(eval_qrels_load(path, &q, &err), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, ":2: the grade is not"));
    ck_assert_ptr_null(q);
    unlink(path);
    path = write_file("q Q0 a 1 1.5 t\nq Q0 b 2 t\n");
    ck_assert_int_eq(eval_run_load(path, &r, &err), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, ":2: expected 6 columns"));
    unlink(path);
    path = write_file("q Q0 a 1 high t\n");
    ck_assert_int_eq(eval_run_load(path, &r, &err), TL_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "not a number"));
    ck_assert_ptr_null(r);
    unlink(path);
}
END_TEST

START_TEST(test_a_run_built_in_memory_scores_as_loaded)
{
    struct eval_qrels *q = qrels_of(qrels_text);
    struct eval_run *r = NULL;
    struct eval_scores m;
    struct tl_error err = { 0 };
    size_t n = 0;

    ck_assert_int_eq(eval_run_new(&r, &err), TL_OK);
    ck_assert_int_eq(eval_run_add(r, "q1", "d", 9, &err), TL_OK);
    ck_assert_int_eq(eval_run_add(r, "q1", "a", 8, &err), TL_OK);
    ck_assert_int_eq(eval_run_add(r, "q1", "b", 7, &err), TL_OK);
    ck_assert_int_eq(eval_run_add(r, "q2", "x", 1, &err), TL_OK);
    ck_assert_int_eq(eval_run_add(r, "q3", "y", 1, &err), TL_OK);
    ck_assert_int_eq(eval_run_score(q, r, &m, &n, NULL, NULL, &err), TL_OK);
    ck_assert_double_eq_tol(m.ndcg10, 1, EPS);
    ck_assert_double_eq_tol(m.map, 1, EPS);
    eval_run_free(r);
    eval_qrels_free(q);
}
END_TEST

Suite *
eval_suite(void)
{
    Suite *s = suite_create("eval");
    TCase *tc = tcase_create("eval");

    tcase_add_test(tc, test_means_match_hand_computed_figures);
    tcase_add_test(tc, test_cutoffs_apply_to_each_measure);
    tcase_add_test(tc, test_gains_are_linear_in_the_grade);
    tcase_add_test(tc, test_trec_qrels_header_and_repeats);
    tcase_add_test(tc, test_filter_drops_judgements_and_empty_queries);
    tcase_add_test(tc, test_bad_lines_are_refused);
    tcase_add_test(tc, test_a_run_built_in_memory_scores_as_loaded);
    suite_add_tcase(s, tc);
    return s;
}
