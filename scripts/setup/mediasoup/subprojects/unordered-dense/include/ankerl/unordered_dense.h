/*
 * ankerl/unordered_dense.h stand-in.
 *
 * Why: mediasoup fetches martinus/unordered_dense 4.8.1 as a meson subproject
 * from GitHub (unreachable here) and Debian bookworm has no package for it.
 * mediasoup 3.27.1 uses only three names from it (checked with
 *   grep -rhoE "ankerl::unordered_dense::[a-z_:]+" worker/src worker/include worker/deps):
 *
 *   ankerl::unordered_dense::map<K, V[, Hash]>   -> std::unordered_map
 *   ankerl::unordered_dense::set<K[, Hash]>      -> std::unordered_set
 *   ankerl::unordered_dense::hash<T>{}(value)    -> std::hash<T>
 *
 * The standard containers have the same interface for what mediasoup does
 * with them (find/emplace/erase/iteration/contains/at/operator[]). They are
 * node-based rather than dense, so they are somewhat slower and use more
 * memory, but behave the same. If a future mediasoup uses more of the library
 * (segmented_map, extract(), values(), is_avalanching hashes, ...) the build
 * fails to compile rather than misbehaving.
 */

#ifndef MS_ANKERL_UNORDERED_DENSE_SHIM_H
#define MS_ANKERL_UNORDERED_DENSE_SHIM_H

#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace ankerl::unordered_dense
{
	template<class T, class Enable = void>
	struct hash : std::hash<T>
	{
	};

	template<
	  class Key,
	  class T,
	  class Hash      = hash<Key>,
	  class KeyEqual  = std::equal_to<Key>,
	  class Allocator = std::allocator<std::pair<const Key, T>>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual, Allocator>;

	template<
	  class Key,
	  class Hash      = hash<Key>,
	  class KeyEqual  = std::equal_to<Key>,
	  class Allocator = std::allocator<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual, Allocator>;
} // namespace ankerl::unordered_dense

#endif
