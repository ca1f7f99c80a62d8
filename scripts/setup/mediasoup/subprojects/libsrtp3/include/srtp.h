/*
 * srtp.h: the libsrtp 3 API that mediasoup's worker uses, implemented over
 * Debian's libsrtp2 (2.5).
 *
 * Why this exists: mediasoup >= 3.16 is written against libsrtp 3 (its fork
 * versatica/libsrtp 3.0.0-beta) and fetches it as a meson subproject from
 * GitHub, which this machine cannot reach. Debian bookworm only ships
 * libsrtp2, whose API differs:
 *
 *   libsrtp 3 (what mediasoup calls)          libsrtp 2 (what Debian has)
 *   -------------------------------------     --------------------------------
 *   opaque srtp_policy_t + setter functions   public struct srtp_policy_t
 *   srtp_create(srtp_t*, srtp_policy_t)       srtp_create(srtp_t*, const struct*)
 *   srtp_protect(ctx, in, len, out, &olen,    srtp_protect(ctx, buf, &int_len):
 *     mki_index): separate (or equal) in/out    in place, caller guarantees room
 *     buffers, size_t lengths, *olen is the     for SRTP_MAX_TRAILER_LEN more
 *     capacity on input                         bytes, buffer 32-bit aligned
 *   srtp_unprotect(ctx, in, len, out, &olen)  srtp_unprotect(ctx, buf, &int_len)
 *   srtp_protect_rtcp / srtp_unprotect_rtcp   same, in place, +4 byte SRTCP index
 *   srtp_stream_remove(ctx, ssrc)             srtp_remove_stream(ctx, ssrc)
 *   srtp_err_status_buffer_small (28),        (not defined; v2 stops at 27)
 *   srtp_err_status_cryptex_err (29)
 *
 * This header provides exactly the subset mediasoup 3.27.1 uses (see
 * worker/src/RTC/SrtpSession.cpp, worker/include/RTC/SrtpSession.hpp and
 * worker/src/DepLibSRTP.cpp) and nothing more. Everything else (srtp_init,
 * srtp_shutdown, srtp_dealloc, srtp_install_event_handler, srtp_event_data_t,
 * srtp_ssrc_t, srtp_profile_t, srtp_profile_get_master_{key,salt}_length,
 * SRTP_MAX_TRAILER_LEN, the error codes 0..27) has the same name and meaning
 * in both versions and comes straight from <srtp2/srtp.h>.
 *
 * Design notes (the parts that replace upstream crypto glue):
 *  - The v3 functions are C++ overloads next to the v2 extern "C" ones (same
 *    name, different parameter lists), so no libsrtp2 symbol is renamed and
 *    the linker resolves the real libsrtp2 functions.
 *  - v2's struct srtp_policy_t is renamed to srtp2_policy_t with a macro while
 *    its header is parsed, which frees the name srtp_policy_t for the v3
 *    opaque handle type. Only the C type name changes; the ABI does not.
 *  - protect/unprotect copy the input into the output buffer and run the v2
 *    in-place function there. The const input is never written. When the
 *    output buffer is too small for v2's worst case (payload plus
 *    SRTP_MAX_TRAILER_LEN, plus 4 for SRTCP), overlaps the input partially, or
 *    is not 32-bit aligned, a thread-local aligned scratch buffer is used
 *    instead and the result is copied out only if it fits; otherwise
 *    srtp_err_status_buffer_small is returned, as libsrtp 3 does.
 *  - MKI is not supported (mediasoup never enables it): srtp_policy_add_key()
 *    with mki_len != 0 returns bad_param, which is also what libsrtp 3 does
 *    when MKI was not enabled with srtp_policy_use_mki() first. mki_index in
 *    srtp_protect*() is therefore ignored, as libsrtp 3 documents for
 *    sessions without MKI.
 *  - srtp_stream_remove(): mediasoup calls it as
 *    srtp_stream_remove(session, htonl(ssrc)), i.e. with the SSRC in network
 *    byte order, which is libsrtp 2's convention for srtp_remove_stream()
 *    (libsrtp 3.0 documents host order). The value is passed through
 *    unchanged, so the closed stream really is removed, as it was when
 *    mediasoup <= 3.15 used libsrtp2.
 *  - Only the four profiles mediasoup offers are accepted by
 *    srtp_policy_set_profile(); their RTP/RTCP crypto policies are the ones
 *    mediasoup <= 3.15 set on libsrtp2 directly (RTCP always uses an 80-bit
 *    HMAC tag, RFC 3711 / RFC 5764).
 */

#ifndef MS_SRTP3_COMPAT_SRTP_H
#define MS_SRTP3_COMPAT_SRTP_H

#ifndef __cplusplus
#error "this libsrtp3-over-libsrtp2 compatibility header is C++ only"
#endif

#define srtp_policy_t srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <climits>
#include <new>
#include <vector>

/* Error codes added in libsrtp 3. v2's enum stops at 27 but its value range
 * (5 bits) includes 28 and 29, so these are valid srtp_err_status_t values. */
inline constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

/* libsrtp 3's opaque policy handle. */
struct srtp_policy_ctx_t_
{
	srtp2_policy_t v2;                      /* ssrc, rtp/rtcp crypto, window, repeat_tx */
	bool hasProfile{ false };
	srtp_profile_t profile{ srtp_profile_reserved };
	bool hasKey{ false };
	uint8_t keyAndSalt[SRTP_MAX_KEY_LEN]{}; /* v2 wants key || salt in one buffer */
	size_t keyLen{ 0 };
	size_t saltLen{ 0 };
};
typedef srtp_policy_ctx_t_ srtp_policy_ctx_t;
typedef srtp_policy_ctx_t* srtp_policy_t;

namespace ms_srtp3_compat
{
	inline void SecureZero(void* p, size_t n)
	{
		volatile uint8_t* v = static_cast<volatile uint8_t*>(p);

		while (n--)
		{
			*v++ = 0;
		}
	}

	/* Thread-local, 4-byte aligned scratch area for the cases where the v2
	 * in-place call cannot run in the caller's output buffer. */
	inline uint8_t* Scratch(size_t len)
	{
		thread_local std::vector<uint32_t> buffer;
		const size_t words = (len + sizeof(uint32_t) - 1) / sizeof(uint32_t);

		if (buffer.size() < words)
		{
			buffer.resize(words);
		}

		return reinterpret_cast<uint8_t*>(buffer.data());
	}

	inline bool Overlap(const uint8_t* a, size_t aLen, const uint8_t* b, size_t bLen)
	{
		const auto x = reinterpret_cast<uintptr_t>(a);
		const auto y = reinterpret_cast<uintptr_t>(b);

		return x < y + bLen && y < x + aLen;
	}

	enum class Op
	{
		ProtectRtp,
		UnprotectRtp,
		ProtectRtcp,
		UnprotectRtcp
	};

	inline srtp_err_status_t RunInPlace(Op op, srtp_t ctx, uint8_t* buf, int* len)
	{
		switch (op)
		{
			case Op::ProtectRtp:
				return ::srtp_protect(ctx, static_cast<void*>(buf), len);
			case Op::UnprotectRtp:
				return ::srtp_unprotect(ctx, static_cast<void*>(buf), len);
			case Op::ProtectRtcp:
				return ::srtp_protect_rtcp(ctx, static_cast<void*>(buf), len);
			case Op::UnprotectRtcp:
				return ::srtp_unprotect_rtcp(ctx, static_cast<void*>(buf), len);
		}

		return srtp_err_status_bad_param;
	}

	/* Worst-case growth of a packet in v2's in-place functions. */
	inline size_t MaxGrowth(Op op)
	{
		switch (op)
		{
			case Op::ProtectRtp:
				return SRTP_MAX_TRAILER_LEN;
			case Op::ProtectRtcp:
				return SRTP_MAX_TRAILER_LEN + 4; /* + E flag / SRTCP index */
			case Op::UnprotectRtp:
			case Op::UnprotectRtcp:
				return 0; /* output is never longer than input */
		}

		return SRTP_MAX_TRAILER_LEN + 4;
	}

	/* v3 semantics: read inLen bytes at in (never written unless out == in),
	 * write the result to out whose capacity is *outLen, set *outLen to the
	 * result length. */
	inline srtp_err_status_t Transform(
	  Op op, srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen)
	{
		if (ctx == nullptr || in == nullptr || out == nullptr || outLen == nullptr)
		{
			return srtp_err_status_bad_param;
		}

		const size_t growth = MaxGrowth(op);

		if (inLen > static_cast<size_t>(INT_MAX) - growth)
		{
			return srtp_err_status_bad_param;
		}

		const size_t needed = inLen + growth;
		const bool sameBuffer = (out == in);
		const bool aligned    = (reinterpret_cast<uintptr_t>(out) % 4) == 0;
		const bool direct =
		  *outLen >= needed && aligned && (sameBuffer || !Overlap(in, inLen, out, needed));

		int len = static_cast<int>(inLen);

		if (direct)
		{
			if (!sameBuffer)
			{
				std::memcpy(out, in, inLen);
			}

			const srtp_err_status_t err = RunInPlace(op, ctx, out, &len);

			if (err != srtp_err_status_ok)
			{
				return err;
			}

			*outLen = static_cast<size_t>(len);

			return srtp_err_status_ok;
		}

		uint8_t* scratch = Scratch(needed);

		std::memcpy(scratch, in, inLen);

		const srtp_err_status_t err = RunInPlace(op, ctx, scratch, &len);

		if (err != srtp_err_status_ok)
		{
			return err;
		}

		if (static_cast<size_t>(len) > *outLen)
		{
			return srtp_err_status_buffer_small;
		}

		/* out may overlap in (and so the original bytes), never scratch. */
		std::memmove(out, scratch, static_cast<size_t>(len));
		*outLen = static_cast<size_t>(len);

		return srtp_err_status_ok;
	}
} // namespace ms_srtp3_compat

/* ---- policy handle ------------------------------------------------------ */

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	*policy = new (std::nothrow) srtp_policy_ctx_t();

	if (*policy == nullptr)
	{
		return srtp_err_status_alloc_fail;
	}

	std::memset(&(*policy)->v2, 0, sizeof((*policy)->v2));
	(*policy)->v2.ssrc.type = ssrc_undefined;

	return srtp_err_status_ok;
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	if (policy == nullptr)
	{
		return;
	}

	ms_srtp3_compat::SecureZero(policy->keyAndSalt, sizeof(policy->keyAndSalt));
	delete policy;
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	switch (ssrc.type)
	{
		case ssrc_specific:
		case ssrc_any_inbound:
		case ssrc_any_outbound:
			break;
		default:
			return srtp_err_status_bad_param;
	}

	policy->v2.ssrc = ssrc;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	srtp_crypto_policy_t* rtp  = &policy->v2.rtp;
	srtp_crypto_policy_t* rtcp = &policy->v2.rtcp;

	switch (profile)
	{
		case srtp_profile_aes128_cm_sha1_80:
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
			break;
		case srtp_profile_aes128_cm_sha1_32:
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
			srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp); /* RTCP: always 80 */
			break;
		case srtp_profile_aead_aes_128_gcm:
			srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
			srtp_crypto_policy_set_aes_gcm_128_16_auth(rtcp);
			break;
		case srtp_profile_aead_aes_256_gcm:
			srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
			srtp_crypto_policy_set_aes_gcm_256_16_auth(rtcp);
			break;
		default:
			return srtp_err_status_bad_param;
	}

	policy->hasProfile = true;
	policy->profile    = profile;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t key_len,
  const uint8_t* salt,
  size_t salt_len,
  const uint8_t* mki,
  size_t mki_len)
{
	(void)mki;

	if (policy == nullptr || key == nullptr || salt == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	/* No MKI support, hence one key only (libsrtp 3 without srtp_policy_use_mki). */
	if (mki_len != 0 || policy->hasKey)
	{
		return srtp_err_status_bad_param;
	}

	if (key_len == 0 || key_len + salt_len > SRTP_MAX_KEY_LEN)
	{
		return srtp_err_status_bad_param;
	}

	std::memcpy(policy->keyAndSalt, key, key_len);
	std::memcpy(policy->keyAndSalt + key_len, salt, salt_len);
	policy->keyLen  = key_len;
	policy->saltLen = salt_len;
	policy->hasKey  = true;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	policy->v2.allow_repeat_tx = allow ? 1 : 0;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t window_size)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	/* Same rule in v2 (srtp_create) and v3: 0 (= default 128) or [64, 0x7fff]. */
	if (window_size != 0 && (window_size < 64 || window_size >= 0x8000))
	{
		return srtp_err_status_bad_param;
	}

	policy->v2.window_size = static_cast<unsigned long>(window_size);

	return srtp_err_status_ok;
}

/* ---- session ------------------------------------------------------------ */

/* Overload of v2's srtp_create(srtp_t*, const srtp2_policy_t*). */
inline srtp_err_status_t srtp_create(srtp_t* session, const srtp_policy_t policy)
{
	if (session == nullptr || policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	/* What libsrtp 3's srtp_policy_validate() requires for a keyed policy. */
	if (!policy->hasProfile || !policy->hasKey || policy->v2.ssrc.type == ssrc_undefined)
	{
		return srtp_err_status_bad_param;
	}

	if (
	  policy->keyLen != srtp_profile_get_master_key_length(policy->profile) ||
	  policy->saltLen != srtp_profile_get_master_salt_length(policy->profile))
	{
		return srtp_err_status_bad_param;
	}

	/* A copy, so that the handle stays untouched (v3 takes it by value). v2
	 * derives the session keys inside srtp_create() and keeps no pointer to
	 * the key buffer, so the handle may be destroyed right afterwards. */
	srtp2_policy_t v2    = policy->v2;
	v2.key               = policy->keyAndSalt;
	v2.keys              = nullptr;
	v2.num_master_keys   = 0;
	v2.deprecated_ekt    = nullptr;
	v2.enc_xtn_hdr       = nullptr;
	v2.enc_xtn_hdr_count = 0;
	v2.next              = nullptr;

	return ::srtp_create(session, &v2);
}

/* ssrc: passed through unchanged, see the header comment. */
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return ::srtp_remove_stream(session, ssrc);
}

/* ---- packets ------------------------------------------------------------ */

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp, size_t* srtp_len, size_t mki_index)
{
	(void)mki_index;

	return ms_srtp3_compat::Transform(
	  ms_srtp3_compat::Op::ProtectRtp, ctx, rtp, rtp_len, srtp, srtp_len);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp, size_t* rtp_len)
{
	return ms_srtp3_compat::Transform(
	  ms_srtp3_compat::Op::UnprotectRtp, ctx, srtp, srtp_len, rtp, rtp_len);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len, uint8_t* srtcp, size_t* srtcp_len, size_t mki_index)
{
	(void)mki_index;

	return ms_srtp3_compat::Transform(
	  ms_srtp3_compat::Op::ProtectRtcp, ctx, rtcp, rtcp_len, srtcp, srtcp_len);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len, uint8_t* rtcp, size_t* rtcp_len)
{
	return ms_srtp3_compat::Transform(
	  ms_srtp3_compat::Op::UnprotectRtcp, ctx, srtcp, srtcp_len, rtcp, rtcp_len);
}

#endif /* MS_SRTP3_COMPAT_SRTP_H */
