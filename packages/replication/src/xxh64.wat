;; xxHash64 (seed 0) over bytes already in a WebAssembly memory: xxh64.ts runs the binary of
;; this file (kept there in base64; xxh64.test.ts checks that it is this file's). The memory is
;; imported, so the bytes are hashed where a read put them, not copied into the module first.
;; Assemble: wabt's parseWat(...).toBinary({}).
(module
  (import "env" "memory" (memory 1))

  ;; One lane step: (acc + input * P2) rotated left 31, times P1.
  (func $round (param $acc i64) (param $input i64) (result i64)
    (i64.mul
      (i64.rotl
        (i64.add (local.get $acc) (i64.mul (local.get $input) (i64.const 0xC2B2AE3D27D4EB4F)))
        (i64.const 31))
      (i64.const 0x9E3779B185EBCA87)))

  ;; Folds a lane into the hash once the stripes are done.
  (func $merge (param $hash i64) (param $lane i64) (result i64)
    (i64.add
      (i64.mul
        (i64.xor (local.get $hash) (call $round (i64.const 0) (local.get $lane)))
        (i64.const 0x9E3779B185EBCA87))
      (i64.const 0x85EBCA77C2B2AE63)))

  ;; The 64-bit xxHash of [ptr, ptr + len).
  (func (export "h64") (param $ptr i32) (param $len i32) (result i64)
    (local $end i32)
    (local $last i32)
    (local $v1 i64)
    (local $v2 i64)
    (local $v3 i64)
    (local $v4 i64)
    (local $h i64)
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (if (i32.ge_u (local.get $len) (i32.const 32))
      (then
        ;; Four lanes over 32-byte stripes.
        (local.set $v1 (i64.const 0x60EA27EEADC0B5D6)) ;; P1 + P2
        (local.set $v2 (i64.const 0xC2B2AE3D27D4EB4F)) ;; P2
        (local.set $v3 (i64.const 0))
        (local.set $v4 (i64.const 0x61C8864E7A143579)) ;; -P1
        (local.set $last (i32.sub (local.get $end) (i32.const 32)))
        ;; The rounds are written out here, not called: V8 does not inline them (a third slower).
        (loop $stripes
          (local.set $v1
            (i64.mul
              (i64.rotl
                (i64.add (local.get $v1) (i64.mul (i64.load (local.get $ptr)) (i64.const 0xC2B2AE3D27D4EB4F)))
                (i64.const 31))
              (i64.const 0x9E3779B185EBCA87)))
          (local.set $v2
            (i64.mul
              (i64.rotl
                (i64.add (local.get $v2) (i64.mul (i64.load offset=8 (local.get $ptr)) (i64.const 0xC2B2AE3D27D4EB4F)))
                (i64.const 31))
              (i64.const 0x9E3779B185EBCA87)))
          (local.set $v3
            (i64.mul
              (i64.rotl
                (i64.add (local.get $v3) (i64.mul (i64.load offset=16 (local.get $ptr)) (i64.const 0xC2B2AE3D27D4EB4F)))
                (i64.const 31))
              (i64.const 0x9E3779B185EBCA87)))
          (local.set $v4
            (i64.mul
              (i64.rotl
                (i64.add (local.get $v4) (i64.mul (i64.load offset=24 (local.get $ptr)) (i64.const 0xC2B2AE3D27D4EB4F)))
                (i64.const 31))
              (i64.const 0x9E3779B185EBCA87)))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
          (br_if $stripes (i32.le_u (local.get $ptr) (local.get $last))))
        (local.set $h
          (i64.add
            (i64.add (i64.rotl (local.get $v1) (i64.const 1)) (i64.rotl (local.get $v2) (i64.const 7)))
            (i64.add (i64.rotl (local.get $v3) (i64.const 12)) (i64.rotl (local.get $v4) (i64.const 18)))))
        (local.set $h (call $merge (local.get $h) (local.get $v1)))
        (local.set $h (call $merge (local.get $h) (local.get $v2)))
        (local.set $h (call $merge (local.get $h) (local.get $v3)))
        (local.set $h (call $merge (local.get $h) (local.get $v4))))
      (else (local.set $h (i64.const 0x27D4EB2F165667C5)))) ;; P5
    (local.set $h (i64.add (local.get $h) (i64.extend_i32_u (local.get $len))))

    ;; What is left: 8 bytes at a time, then 4, then single bytes.
    (block $eights
      (loop $eight
        (br_if $eights (i32.gt_u (i32.add (local.get $ptr) (i32.const 8)) (local.get $end)))
        (local.set $h
          (i64.add
            (i64.mul
              (i64.rotl
                (i64.xor (local.get $h) (call $round (i64.const 0) (i64.load (local.get $ptr))))
                (i64.const 27))
              (i64.const 0x9E3779B185EBCA87))
            (i64.const 0x85EBCA77C2B2AE63)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 8)))
        (br $eight)))
    (if (i32.le_u (i32.add (local.get $ptr) (i32.const 4)) (local.get $end))
      (then
        (local.set $h
          (i64.add
            (i64.mul
              (i64.rotl
                (i64.xor
                  (local.get $h)
                  (i64.mul (i64.load32_u (local.get $ptr)) (i64.const 0x9E3779B185EBCA87)))
                (i64.const 23))
              (i64.const 0xC2B2AE3D27D4EB4F))
            (i64.const 0x165667B19E3779F9)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))))
    (block $bytes
      (loop $byte
        (br_if $bytes (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $h
          (i64.mul
            (i64.rotl
              (i64.xor
                (local.get $h)
                (i64.mul (i64.load8_u (local.get $ptr)) (i64.const 0x27D4EB2F165667C5)))
              (i64.const 11))
            (i64.const 0x9E3779B185EBCA87)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $byte)))

    ;; Avalanche.
    (local.set $h
      (i64.mul (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 33))) (i64.const 0xC2B2AE3D27D4EB4F)))
    (local.set $h
      (i64.mul (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29))) (i64.const 0x165667B19E3779F9)))
    (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32)))))
