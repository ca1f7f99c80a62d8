// Self-test of subprojects/libsrtp3/include/srtp.h (the libsrtp-3-over-libsrtp2
// compatibility header) against the installed libsrtp2.
//
// Why: that header replaces upstream crypto glue (buffer sizes, in-place vs
// separate buffers, lengths, return codes). scripts/setup/mediasoup-worker.mjs
// compiles and runs this before the (minutes-long) worker build, so a broken
// header or an incompatible libsrtp2 fails in seconds with a clear message.
//
//   g++ -std=c++20 -I../subprojects/libsrtp3/include srtp3_compat_test.cpp -lsrtp2
//
// Exit code 0 and "srtp3 compat self-test: N checks passed" on success.

#include <srtp.h>

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

static int checks = 0;

#define CHECK(cond)                                                                                \
	do                                                                                               \
	{                                                                                                \
		++checks;                                                                                      \
		if (!(cond))                                                                                   \
		{                                                                                              \
			std::fprintf(stderr, "srtp3 compat self-test FAILED at line %d: %s\n", __LINE__, #cond);   \
			std::exit(1);                                                                                \
		}                                                                                              \
	} while (0)

#define CHECK_ERR(expr, expected)                                                                  \
	do                                                                                               \
	{                                                                                                \
		++checks;                                                                                      \
		const srtp_err_status_t err_ = (expr);                                                         \
		if (err_ != (expected))                                                                        \
		{                                                                                              \
			std::fprintf(                                                                                \
			  stderr, "srtp3 compat self-test FAILED at line %d: %s returned %d, expected %d\n",         \
			  __LINE__, #expr, static_cast<int>(err_), static_cast<int>(expected));                      \
			std::exit(1);                                                                                \
		}                                                                                              \
	} while (0)

struct Profile
{
	const char* name;
	srtp_profile_t profile;
	size_t keyLen;
	size_t saltLen;
	size_t rtpTag;
	size_t rtcpTag;
};

// As mediasoup's SrtpSession does it, with mediasoup's key + salt layout.
static srtp_t MakeSession(const Profile& p, srtp_ssrc_type_t type, const std::vector<uint8_t>& keySalt)
{
	srtp_policy_t policy{ nullptr };
	CHECK_ERR(srtp_policy_create(&policy), srtp_err_status_ok);

	srtp_ssrc_t ssrc{};
	ssrc.type  = type;
	ssrc.value = 0;
	CHECK_ERR(srtp_policy_set_ssrc(policy, ssrc), srtp_err_status_ok);
	CHECK_ERR(srtp_policy_set_profile(policy, p.profile), srtp_err_status_ok);
	CHECK(srtp_profile_get_master_key_length(p.profile) == p.keyLen);
	CHECK(srtp_profile_get_master_salt_length(p.profile) == p.saltLen);
	CHECK(keySalt.size() == p.keyLen + p.saltLen);
	CHECK_ERR(
	  srtp_policy_add_key(policy, keySalt.data(), p.keyLen, keySalt.data() + p.keyLen, p.saltLen, nullptr, 0),
	  srtp_err_status_ok);
	CHECK_ERR(srtp_policy_set_allow_repeat_tx(policy, true), srtp_err_status_ok);
	CHECK_ERR(srtp_policy_set_window_size(policy, 1024), srtp_err_status_ok);

	srtp_t session{ nullptr };
	CHECK_ERR(srtp_create(&session, policy), srtp_err_status_ok);
	srtp_policy_destroy(policy); // the session must not depend on the policy any more
	CHECK(session != nullptr);

	return session;
}

static std::vector<uint8_t> RtpPacket(uint16_t seq, uint32_t ssrc, size_t payloadLen)
{
	std::vector<uint8_t> pkt(12 + payloadLen);
	pkt[0] = 0x80;
	pkt[1] = 111;
	pkt[2] = seq >> 8;
	pkt[3] = seq & 0xff;
	pkt[4] = 0;
	pkt[5] = 0;
	pkt[6] = (seq >> 8) & 0xff;
	pkt[7] = seq & 0xff;
	pkt[8]  = ssrc >> 24;
	pkt[9]  = (ssrc >> 16) & 0xff;
	pkt[10] = (ssrc >> 8) & 0xff;
	pkt[11] = ssrc & 0xff;
	for (size_t i = 0; i < payloadLen; ++i)
	{
		pkt[12 + i] = static_cast<uint8_t>(i * 7 + seq);
	}

	return pkt;
}

static std::vector<uint8_t> RtcpReceiverReport(uint32_t ssrc)
{
	// RR with no report blocks (8 bytes) + 24 bytes of APP-like filler to have a body.
	std::vector<uint8_t> pkt{ 0x80, 201, 0, 1, 0, 0, 0, 0 };
	pkt[4] = ssrc >> 24;
	pkt[5] = (ssrc >> 16) & 0xff;
	pkt[6] = (ssrc >> 8) & 0xff;
	pkt[7] = ssrc & 0xff;
	// Second packet in the compound: APP (PT 204), 3 words of body.
	const uint8_t app[] = { 0x80, 204, 0, 4, pkt[4], pkt[5], pkt[6], pkt[7], 't', 'e', 's', 't', 1, 2, 3, 4, 5, 6, 7, 8 };
	pkt.insert(pkt.end(), std::begin(app), std::end(app));

	return pkt;
}

static void TestProfile(const Profile& p)
{
	std::vector<uint8_t> key(p.keyLen + p.saltLen);
	for (size_t i = 0; i < key.size(); ++i)
	{
		key[i] = static_cast<uint8_t>(i * 13 + 1);
	}
	std::vector<uint8_t> wrongKey = key;
	wrongKey[0] ^= 0xff;

	srtp_t tx      = MakeSession(p, ssrc_any_outbound, key);
	srtp_t rx      = MakeSession(p, ssrc_any_inbound, key);
	srtp_t rxWrong = MakeSession(p, ssrc_any_inbound, wrongKey);

	const uint32_t ssrc = 0x01020304;
	const size_t payloadLen = 160;

	// 1. Separate buffers, roomy output (mediasoup's EncryptRtp path). Input untouched.
	{
		const std::vector<uint8_t> rtp = RtpPacket(1000, ssrc, payloadLen);
		const std::vector<uint8_t> copy = rtp;
		alignas(4) uint8_t out[2048];
		size_t outLen = sizeof(out);
		CHECK_ERR(srtp_protect(tx, rtp.data(), rtp.size(), out, &outLen, 0), srtp_err_status_ok);
		CHECK(rtp == copy);
		CHECK(outLen == rtp.size() + p.rtpTag);
		CHECK(std::memcmp(out, rtp.data(), 12) == 0);                    // header in clear
		CHECK(std::memcmp(out + 12, rtp.data() + 12, payloadLen) != 0); // payload encrypted

		// Wrong key: auth failure, the input stays as it was (separate buffers).
		std::vector<uint8_t> srtp(out, out + outLen);
		const std::vector<uint8_t> srtpCopy = srtp;
		uint8_t plain[2048];
		size_t plainLen = sizeof(plain);
		CHECK_ERR(srtp_unprotect(rxWrong, srtp.data(), srtp.size(), plain, &plainLen), srtp_err_status_auth_fail);
		CHECK(srtp == srtpCopy);

		// In place, capacity == packet length (mediasoup's DecryptSrtp path).
		size_t len = srtp.size();
		CHECK_ERR(srtp_unprotect(rx, srtp.data(), srtp.size(), srtp.data(), &len), srtp_err_status_ok);
		CHECK(len == rtp.size());
		CHECK(std::memcmp(srtp.data(), rtp.data(), len) == 0);

		// Replay of the same packet is refused.
		std::vector<uint8_t> again(out, out + outLen);
		len = again.size();
		CHECK_ERR(srtp_unprotect(rx, again.data(), again.size(), again.data(), &len), srtp_err_status_replay_fail);
	}

	// 2. In place with only the exact room for the tag (below v2's worst case):
	//    goes through the scratch buffer and still succeeds.
	{
		const std::vector<uint8_t> rtp = RtpPacket(1001, ssrc, payloadLen);
		std::vector<uint8_t> buf = rtp;
		buf.resize(rtp.size() + p.rtpTag);
		size_t len = buf.size();
		CHECK_ERR(srtp_protect(tx, buf.data(), rtp.size(), buf.data(), &len, 0), srtp_err_status_ok);
		CHECK(len == rtp.size() + p.rtpTag);

		// One byte short: buffer_small.
		std::vector<uint8_t> small(rtp.size() + p.rtpTag - 1);
		size_t smallLen = small.size();
		CHECK_ERR(srtp_protect(tx, rtp.data(), rtp.size(), small.data(), &smallLen, 0), srtp_err_status_buffer_small);

		// Decrypt into a misaligned buffer of exactly the plaintext size.
		std::vector<uint8_t> storage(rtp.size() + 1);
		uint8_t* misaligned = storage.data() + 1;
		size_t outLen = rtp.size();
		CHECK_ERR(srtp_unprotect(rx, buf.data(), len, misaligned, &outLen), srtp_err_status_ok);
		CHECK(outLen == rtp.size());
		CHECK(std::memcmp(misaligned, rtp.data(), outLen) == 0);
	}

	// 3. Retransmission with the same sequence number is allowed on the sender
	//    (allow_repeat_tx), and the result is byte-identical.
	{
		const std::vector<uint8_t> rtp = RtpPacket(1000, ssrc, payloadLen);
		alignas(4) uint8_t out[2048];
		size_t outLen = sizeof(out);
		CHECK_ERR(srtp_protect(tx, rtp.data(), rtp.size(), out, &outLen, 0), srtp_err_status_ok);
		CHECK(outLen == rtp.size() + p.rtpTag);
	}

	// 4. Plaintext output too small for unprotect: buffer_small.
	{
		const std::vector<uint8_t> rtp = RtpPacket(1002, ssrc, payloadLen);
		alignas(4) uint8_t out[2048];
		size_t outLen = sizeof(out);
		CHECK_ERR(srtp_protect(tx, rtp.data(), rtp.size(), out, &outLen, 0), srtp_err_status_ok);
		alignas(4) uint8_t plain[2048];
		size_t plainLen = rtp.size() - 1;
		CHECK_ERR(srtp_unprotect(rx, out, outLen, plain, &plainLen), srtp_err_status_buffer_small);
	}

	// 5. SRTCP: separate buffers, E flag + index + the profile's RTCP tag.
	{
		const std::vector<uint8_t> rtcp = RtcpReceiverReport(ssrc);
		alignas(4) uint8_t out[2048];
		size_t outLen = sizeof(out);
		CHECK_ERR(srtp_protect_rtcp(tx, rtcp.data(), rtcp.size(), out, &outLen, 0), srtp_err_status_ok);
		CHECK(outLen == rtcp.size() + 4 + p.rtcpTag);
		// RFC 3711: ... | E + SRTCP index | tag. RFC 7714 (AEAD): ... | tag | E + SRTCP index.
		const bool aead          = p.profile == srtp_profile_aead_aes_128_gcm || p.profile == srtp_profile_aead_aes_256_gcm;
		const uint8_t* eIndexPtr = aead ? out + outLen - 4 : out + outLen - p.rtcpTag - 4;
		const uint32_t eIndex    = (uint32_t(eIndexPtr[0]) << 24) | (uint32_t(eIndexPtr[1]) << 16) |
		                        (uint32_t(eIndexPtr[2]) << 8) | uint32_t(eIndexPtr[3]);
		CHECK((eIndex >> 31) == 1);

		std::vector<uint8_t> srtcp(out, out + outLen);
		uint8_t plain[2048];
		size_t plainLen = sizeof(plain);
		CHECK_ERR(srtp_unprotect_rtcp(rxWrong, srtcp.data(), srtcp.size(), plain, &plainLen), srtp_err_status_auth_fail);
		size_t len = srtcp.size();
		CHECK_ERR(srtp_unprotect_rtcp(rx, srtcp.data(), srtcp.size(), srtcp.data(), &len), srtp_err_status_ok);
		CHECK(len == rtcp.size());
		CHECK(std::memcmp(srtcp.data(), rtcp.data(), len) == 0);
	}

	// 6. srtp_stream_remove with mediasoup's htonl(ssrc) removes the stream once.
	CHECK_ERR(srtp_stream_remove(tx, htonl(ssrc)), srtp_err_status_ok);
	CHECK_ERR(srtp_stream_remove(rx, htonl(ssrc)), srtp_err_status_ok);
	CHECK_ERR(srtp_stream_remove(rx, htonl(ssrc)), srtp_err_status_no_ctx);

	CHECK_ERR(srtp_dealloc(tx), srtp_err_status_ok);
	CHECK_ERR(srtp_dealloc(rx), srtp_err_status_ok);
	CHECK_ERR(srtp_dealloc(rxWrong), srtp_err_status_ok);

	std::printf("  %s ok\n", p.name);
}

int main()
{
	CHECK(static_cast<int>(srtp_err_status_buffer_small) == 28);
	CHECK(static_cast<int>(srtp_err_status_cryptex_err) == 29);
	CHECK_ERR(srtp_init(), srtp_err_status_ok);

	const Profile profiles[] = {
		{ "AEAD_AES_256_GCM", srtp_profile_aead_aes_256_gcm, 32, 12, 16, 16 },
		{ "AEAD_AES_128_GCM", srtp_profile_aead_aes_128_gcm, 16, 12, 16, 16 },
		{ "AES_CM_128_HMAC_SHA1_80", srtp_profile_aes128_cm_sha1_80, 16, 14, 10, 10 },
		{ "AES_CM_128_HMAC_SHA1_32", srtp_profile_aes128_cm_sha1_32, 16, 14, 4, 10 },
	};

	for (const auto& p : profiles)
	{
		TestProfile(p);
	}

	// Policy validation.
	{
		srtp_policy_t policy{ nullptr };
		CHECK_ERR(srtp_policy_create(&policy), srtp_err_status_ok);
		const uint8_t key[32]{};
		const uint8_t mki[4]{};
		CHECK_ERR(srtp_policy_add_key(policy, key, 16, key + 16, 14, mki, 4), srtp_err_status_bad_param);
		CHECK_ERR(srtp_policy_set_window_size(policy, 10), srtp_err_status_bad_param);
		CHECK_ERR(srtp_policy_set_window_size(policy, 0x8000), srtp_err_status_bad_param);
		CHECK_ERR(srtp_policy_set_profile(policy, srtp_profile_reserved), srtp_err_status_bad_param);

		srtp_ssrc_t ssrc{};
		ssrc.type = ssrc_any_outbound;
		CHECK_ERR(srtp_policy_set_ssrc(policy, ssrc), srtp_err_status_ok);
		CHECK_ERR(srtp_policy_set_profile(policy, srtp_profile_aead_aes_128_gcm), srtp_err_status_ok);
		// 16 + 14 is the AES-CM layout, not GCM's 16 + 12: rejected at create time.
		CHECK_ERR(srtp_policy_add_key(policy, key, 16, key + 16, 14, nullptr, 0), srtp_err_status_ok);
		CHECK_ERR(srtp_policy_add_key(policy, key, 16, key + 16, 12, nullptr, 0), srtp_err_status_bad_param);
		srtp_t session{ nullptr };
		CHECK_ERR(srtp_create(&session, policy), srtp_err_status_bad_param);
		srtp_policy_destroy(policy);
		srtp_policy_destroy(nullptr);
	}

	CHECK_ERR(srtp_shutdown(), srtp_err_status_ok);
	std::printf("srtp3 compat self-test: %d checks passed (%s)\n", checks, srtp_get_version_string());

	return 0;
}
