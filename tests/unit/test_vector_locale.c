/* Unit tests of vector text under a decimal-comma locale: read and written as in the C locale. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vector_check.h"

#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgvodbc/vector.h"

/*
 * Switches the process to a locale whose decimal point is a comma and returns its name, or NULL.
 * When none is installed (Debian's locales-all provides them), one is compiled with localedef
 * from the i18n sources of the locales package into a temporary LOCPATH.
 */
static const char *use_comma_locale(char *dir, size_t cap)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8", "fr_FR.utf8", "nl_NL.UTF-8",
		"es_ES.UTF-8", "it_IT.UTF-8", "ru_RU.UTF-8", "pt_BR.UTF-8"
	};
	const char *tmp = getenv("TMPDIR");
	char cmd[600];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_ALL, names[i]) != NULL && strcmp(localeconv()->decimal_point, ",") == 0)
			return names[i];
	snprintf(dir, cap, "%s/pgv_locale_XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "localedef -i de_DE -f ISO-8859-1 '%s/de_DE' >/dev/null 2>&1", dir);
	if (system(cmd) == -1)
		return NULL;
	setenv("LOCPATH", dir, 1);
	if (setlocale(LC_ALL, "de_DE") != NULL && strcmp(localeconv()->decimal_point, ",") == 0)
		return "de_DE";
	return NULL;
}

/* nftw callback: removes one file or (emptied) directory. */
static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Undoes use_comma_locale: back to "C", and the temporary locale removed. */
static void leave_comma_locale(const char *dir)
{
	setlocale(LC_ALL, "C");
	if (dir[0] != '\0') {
		unsetenv("LOCPATH");
		if (nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) != 0)
			print_message("could not remove %s\n", dir);
	}
}

/* What the locale test changes, so that teardown undoes it even after a failed assertion. */
typedef struct locale_state {
	char dir[512];
	locale_t thread_locale;
	pgv_vector v;
} locale_state;

/* Starts the locale test with nothing changed yet. */
static int locale_setup(void **state)
{
	static locale_state ls;

	memset(&ls, 0, sizeof(ls));
	ls.thread_locale = (locale_t)0;
	*state = &ls;
	return 0;
}

/* Restores the C locale, frees what the locale test made and removes its temporary locale. */
static int locale_teardown(void **state)
{
	locale_state *ls = *state;

	uselocale(LC_GLOBAL_LOCALE);
	if (ls->thread_locale != (locale_t)0)
		freelocale(ls->thread_locale);
	ls->thread_locale = (locale_t)0;
	pgv_vector_free(&ls->v);
	leave_comma_locale(ls->dir);
	return 0;
}

/* Under a decimal-comma locale (process-wide or per thread) text is read and written as in C. */
static void test_vector_locale__does_not_matter(void **state)
{
	locale_state *ls = *state;
	const char *text = "[1.5, -0.25,1e-05 ,3.4028235e+38,0.1]";
	const char *want = "[1.5,-0.25,1e-05,3.4028235e+38,0.1]";
	const float want_floats[] = { 1.5f, -0.25f, 1e-5f, 3.4028235e38f, 0.1f };
	char buf[128];

	if (use_comma_locale(ls->dir, sizeof(ls->dir)) == NULL) {
		print_message("no decimal-comma locale: install locales-all, or localedef from locales\n");
		skip();
	}
	/* the condition is real: the C library itself now stops reading "1.5" at the point */
	assert_true(strtof("1.5", NULL) == 1.0f);
	parse_ok(text, &ls->v);
	assert_floats(&ls->v, want_floats, 5);
	assert_int_equal(pgv_vector_format(ls->v.data, ls->v.dim, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
	pgv_vector_free(&ls->v);
	assert_int_equal(pgv_double_format(0.1, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "0.1");
	assert_string_equal(localeconv()->decimal_point, ","); /* the process locale was restored */

	/* a per-thread locale set with uselocale, as another library might, changes nothing either */
	ls->thread_locale = duplocale(LC_GLOBAL_LOCALE); /* not newlocale: it leaks LOCPATH's copy */
	assert_non_null(ls->thread_locale);
	setlocale(LC_ALL, "C");
	uselocale(ls->thread_locale);
	parse_ok(text, &ls->v);
	assert_floats(&ls->v, want_floats, 5);
	pgv_vector_format(ls->v.data, ls->v.dim, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_true(uselocale((locale_t)0) == ls->thread_locale); /* still in force afterwards */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vector_locale__does_not_matter, locale_setup,
			locale_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
