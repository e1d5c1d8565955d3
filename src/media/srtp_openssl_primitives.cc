// Installs the OpenSSL-backed primitives (srtp_openssl_aes_icm.cc,
// srtp_openssl_aes_gcm.cc, srtp_openssl_hmac_sha1.cc) into libsrtp2's kernel.
#include "media/srtp_openssl_primitives.h"

#include <srtp2/auth.h>
#include <srtp2/cipher.h>

namespace keyline::media::srtp_openssl {

int install() {
  const srtp_cipher_type_t* ciphers[] = {&aes_icm_128(), &aes_icm_192(), &aes_icm_256(),
                                         &aes_gcm_128(), &aes_gcm_256()};
  for (const srtp_cipher_type_t* type : ciphers) {
    // libsrtp runs this type's vectors and the replaced type's before
    // switching; a failure leaves the stock implementation in place.
    if (srtp_err_status_t s = srtp_replace_cipher_type(type, type->id); s != srtp_err_status_ok)
      return s;
  }
  return srtp_replace_auth_type(&hmac_sha1(), hmac_sha1().id);
}

}  // namespace keyline::media::srtp_openssl
