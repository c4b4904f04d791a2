/* The helpers' small pieces: a log's last lines, and what /proc/net/unix
 * says of a socket (listening, then connected) without connecting to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "act/supervise.h"
#include "act/swtpm.h"
#include "tests.h"

#define T(f) UNIT_TEST("helpers", f)

static void log_tail_keeps_the_last_three_lines(void **state)
{
	char path[] = "/tmp/sevqemu-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	dprintf(fd, "one\ntwo\n\nthree\nfour\nfive\n");
	close(fd);
	char *tail = log_tail(path);
	assert_string_equal(tail, "three | four | five");
	free(tail);
	unlink(path);
	tail = log_tail(path);
	assert_string_equal(tail, "");
	free(tail);
}

static void socket_state_listening_then_connected(void **state)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "/tmp/sevqemu-sock-%d", (int)getpid());
	unlink(a.sun_path);
	assert_int_equal(unix_socket_state(a.sun_path), 0);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(unix_socket_state(a.sun_path), SOCKET_LISTENING);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	int s = accept(l, NULL, NULL);
	assert_true(s >= 0);
	assert_int_equal(unix_socket_state(a.sun_path), SOCKET_LISTENING | SOCKET_CONNECTED);
	close(l);
	assert_int_equal(unix_socket_state(a.sun_path), SOCKET_CONNECTED);
	close(s);
	close(c);
	unlink(a.sun_path);
	assert_int_equal(unix_socket_state(a.sun_path), 0);
}

int run_helpers_tests(void)
{
	const struct CMUnitTest tests[] = {
		T(log_tail_keeps_the_last_three_lines),
		T(socket_state_listening_then_connected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
