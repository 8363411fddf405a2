;; rsync's weak checksum with WebAssembly SIMD: weak-checksum-simd.ts runs the binary of this
;; file (kept there in base64; rolling-checksum.test.ts checks that it is this file's).
;; Assemble: wabt's parseWat(..., { simd: true }).toBinary({}).
(module
  (memory (export "memory") 1)
  ;; The checksum of [ptr, ptr + len), len a multiple of 16, as s1 | s2 << 16: s1 = sum of
  ;; the bytes, s2 = sum of (bytes from it to the end) * byte. Per 16-byte vector k of K:
  ;; s2 = 16 * sum_k (K - 1 - k) * sum(vector k) + sum_k sum_t (16 - t) * byte t of vector k.
  ;; $prev adds up the vector sums before each vector (which gives the first term's sum), and
  ;; $inner the weighted bytes (extended to 16 bits, dot product with the weights 16..1). Lanes
  ;; add mod 2^32, which keeps the low 16 bits that count.
  (func (export "weak") (param $ptr i32) (param $len i32) (result i32)
    (local $end i32) (local $v v128) (local $s1 v128) (local $prev v128) (local $inner v128)
    (local $a i32) (local $b i32) (local $c i32)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $v (v128.load (local.get $ptr)))
        (local.set $prev (i32x4.add (local.get $prev) (local.get $s1)))
        (local.set $s1 (i32x4.add (local.get $s1)
          (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $v)))))
        (local.set $inner (i32x4.add (local.get $inner)
          (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $v))
              (v128.const i16x8 16 15 14 13 12 11 10 9))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $v))
              (v128.const i16x8 8 7 6 5 4 3 2 1)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $next)))
    (local.set $a (i32.add (i32.add (i32x4.extract_lane 0 (local.get $s1)) (i32x4.extract_lane 1 (local.get $s1)))
                           (i32.add (i32x4.extract_lane 2 (local.get $s1)) (i32x4.extract_lane 3 (local.get $s1)))))
    (local.set $b (i32.add (i32.add (i32x4.extract_lane 0 (local.get $prev)) (i32x4.extract_lane 1 (local.get $prev)))
                           (i32.add (i32x4.extract_lane 2 (local.get $prev)) (i32x4.extract_lane 3 (local.get $prev)))))
    (local.set $c (i32.add (i32.add (i32x4.extract_lane 0 (local.get $inner)) (i32x4.extract_lane 1 (local.get $inner)))
                           (i32.add (i32x4.extract_lane 2 (local.get $inner)) (i32x4.extract_lane 3 (local.get $inner)))))
    (i32.or
      (i32.and (local.get $a) (i32.const 0xffff))
      (i32.shl (i32.add (i32.mul (local.get $b) (i32.const 16)) (local.get $c)) (i32.const 16))))
)
