#pragma once
#include <hiredis/hiredis.h>

/* hiredis keeps its error text in a fixed `char errstr[128]` array, which Swift imports as a
 * 128-element tuple; this accessor hands it over as a C string instead. */
static inline const char *logstag_redis_errstr(const redisContext *context) {
    return context->errstr;
}

/* The i-th child of an array reply. Swift can index `element` itself, but going through one
 * accessor keeps the pointer arithmetic in C, where the reply's layout is defined. */
static inline redisReply *logstag_redis_reply_element(const redisReply *reply, size_t index) {
    return reply->element[index];
}
