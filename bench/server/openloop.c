// An open-loop HTTP load: requests are sent on a fixed schedule (RATE a second), whatever the
// answers do, and each one's latency runs from the time it was due, not from the time it was
// sent, so that a server falling behind shows as latency instead of as a slower schedule (the
// error a closed loop, which waits for each answer before the next request, makes).
//
//   openloop HOST PORT RATE SECONDS METHOD PATH [BODY]
//
// Keeps up to 512 keep-alive connections and opens another when a request is due and every
// open one is busy. Prints one line: requests, errors (no answer or a status other than 2xx),
// the rate achieved, and the p50, p99, p99.9 and largest latency in milliseconds.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 512
#define BUFFER 65536

struct connection {
    int fd;
    int busy;
    double due;         // when the request in flight was due
    size_t sent, length; // bytes of the request written so far, and in all
    size_t have;        // bytes of the answer read so far
    char answer[BUFFER];
};

static struct connection connections[MAX_CONNECTIONS];
static int open_count;
static struct sockaddr_in address;
static char request[BUFFER];
static size_t request_length;
static double *latencies;
static long answered, errors;

static double now(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec + time.tv_nsec / 1e9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static struct connection *connect_one(int epoll) {
    if (open_count == MAX_CONNECTIONS) return NULL;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        perror("openloop: connect");
        exit(1);
    }
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    struct connection *c = &connections[open_count++];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    return c;
}

static void send_request(struct connection *c, double due) {
    c->busy = 1;
    c->due = due;
    c->have = 0;
    c->length = request_length;
    c->sent = 0;
    while (c->sent < c->length) {
        ssize_t wrote = write(c->fd, request + c->sent, c->length - c->sent);
        if (wrote <= 0) {
            perror("openloop: write");
            exit(1);
        }
        c->sent += (size_t)wrote;
    }
}

// Whether the answer read so far is whole (a head and Content-Length bytes of body); sets *ok to
// whether its status is 2xx.
static int complete(struct connection *c, int *ok) {
    c->answer[c->have < BUFFER ? c->have : BUFFER - 1] = 0;
    char *end = strstr(c->answer, "\r\n\r\n");
    if (!end) return 0;
    size_t head = (size_t)(end - c->answer) + 4;
    char *field = strcasestr(c->answer, "\r\ncontent-length:");
    size_t body = field && field < end ? strtoul(field + 17, NULL, 10) : 0;
    if (c->have < head + body) return 0;
    *ok = strncmp(c->answer + 9, "2", 1) == 0;
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: openloop HOST PORT RATE SECONDS METHOD PATH [BODY]\n");
        return 64;
    }
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)atoi(argv[2]));
    inet_pton(AF_INET, argv[1], &address.sin_addr);
    double rate = atof(argv[3]), seconds = atof(argv[4]);
    const char *body = argc > 7 ? argv[7] : "";
    request_length = (size_t)snprintf(
        request, sizeof request,
        "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
        "Content-Length: %zu\r\n\r\n%s",
        argv[5], argv[6], argv[1], strlen(body), body);
    long total = (long)(rate * seconds);
    latencies = calloc((size_t)total, sizeof *latencies);
    int epoll = epoll_create1(0);
    for (int i = 0; i < 16; i++) connect_one(epoll);

    // Requests due but not yet sent (every connection busy and no more may be opened).
    long next = 0, waiting_from = 0;
    double start = now() + 0.05, deadline = start + seconds + 10;
    struct epoll_event events[64];
    while (answered + errors < total && now() < deadline) {
        double time = now();
        while (next < total && start + next / rate <= time) next++;
        // Send what is due, oldest first, on idle connections (opening one if none is idle).
        while (waiting_from < next) {
            struct connection *idle = NULL;
            for (int i = 0; i < open_count && !idle; i++)
                if (!connections[i].busy) idle = &connections[i];
            if (!idle) idle = connect_one(epoll);
            if (!idle) break;
            send_request(idle, start + waiting_from / rate);
            waiting_from++;
        }
        // Wait for answers until the next request is due, to the nanosecond: a timeout in whole
        // milliseconds would make the load spin (at 1,000 a second every wait is under one).
        double until = next < total ? start + next / rate - now() : 0.01;
        if (until < 0) until = 0;
        struct timespec timeout = {.tv_sec = (time_t)until,
                                   .tv_nsec = (long)((until - (time_t)until) * 1e9)};
        int ready = epoll_pwait2(epoll, events, 64, &timeout, NULL);
        for (int i = 0; i < ready; i++) {
            struct connection *c = events[i].data.ptr;
            ssize_t got = read(c->fd, c->answer + c->have, BUFFER - 1 - c->have);
            if (got <= 0) {
                fprintf(stderr, "openloop: the server closed a connection\n");
                return 1;
            }
            c->have += (size_t)got;
            int ok = 0;
            if (c->busy && complete(c, &ok)) {
                if (ok) {
                    latencies[answered++] = now() - c->due;
                } else {
                    errors++;
                }
                c->busy = 0;
            }
        }
    }
    double elapsed = now() - start;
    qsort(latencies, (size_t)answered, sizeof *latencies, compare);
    double p50 = answered ? latencies[(long)(answered * 0.5)] : 0;
    double p99 = answered ? latencies[(long)(answered * 0.99)] : 0;
    double p999 = answered ? latencies[(long)(answered * 0.999)] : 0;
    double worst = answered ? latencies[answered - 1] : 0;
    printf(
        "%ld requests, %ld errors, %.0f/s achieved, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, "
        "max %.2f ms, %d connections\n",
        answered + errors, errors + (total - answered - errors), (answered + errors) / elapsed,
        p50 * 1e3, p99 * 1e3, p999 * 1e3, worst * 1e3, open_count);
    return 0;
}
