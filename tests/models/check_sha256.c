/* check_sha256.c - SHA-256 against the FIPS 180-2 appendix B examples and the NIST
 * short-message vectors; every split of a message gives the same digest. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"
#include "check_main.h"

/* Digests from FIPS 180-2, appendix B.1 ("abc"), B.2 (the 448-bit message) and B.3
 * (one million 'a'), and the well-known digest of the empty message. */
START_TEST(fips_examples)
{
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(m, strlen(m), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *a = malloc(1000000);
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', 1000000);
    sha256_hex(a, 1000000, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}
END_TEST

/* Padding edges: 55 bytes fit one block with the length, 56 need a second one. */
START_TEST(padding_edges)
{
    char hex[SHA256_HEX_LEN + 1], m[64];
    memset(m, 'a', sizeof m);
    sha256_hex(m, 55,
               hex); /* python3 -c "import hashlib;print(hashlib.sha256(b'a'*55).hexdigest())" */
    ck_assert_str_eq(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    sha256_hex(m, 56, hex);
    ck_assert_str_eq(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    sha256_hex(m, 64, hex);
    ck_assert_str_eq(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
END_TEST

START_TEST(any_split_gives_the_same_digest)
{
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    size_t n = strlen(m);
    for (size_t cut = 0; cut <= n; cut++) {
        sha256_t s;
        unsigned char d[32];
        char hex[SHA256_HEX_LEN + 1];
        sha256_init(&s);
        sha256_update(&s, m, cut);
        sha256_update(&s, m + cut, n - cut);
        sha256_final(&s, d);
        sha256_to_hex(d, hex);
        ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
}
END_TEST

Suite *sha256_suite(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("sha256");
    tcase_add_test(tc, fips_examples);
    tcase_add_test(tc, padding_edges);
    tcase_add_test(tc, any_split_gives_the_same_digest);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const ns_suite_fn suites[] = {sha256_suite};
    return ns_check_run(suites, 1);
}
