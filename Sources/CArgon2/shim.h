// libargon2 (libargon2-dev): argon2id password hashing in PHC string format.
#include <argon2.h>
