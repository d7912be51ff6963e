;; Where the UTF-8 text in memory[0, len) first holds a character the fast YAML reader leaves to
;; js-yaml (src/runbooks/yaml-fast.ts UNSUPPORTED_TEXT), or -1; `nonAscii` is set when any byte is
;; 0x80 or above. For src/runbooks/text-scan.ts, which embeds this file assembled with wabt
;; (test/runbooks/text-scan.test.ts checks that it does).
;;
;; The text is valid UTF-8 with no NUL (text-bytes.ts firstBadByte has passed it) and memory past
;; `len` holds at least 16 zero bytes. The characters, as bytes:
;;   controls other than \n (0x00-0x09, 0x0B-0x1F) and DEL (0x7F): the byte itself;
;;   C1 controls U+0080-U+009F: 0xC2 then 0x80-0x9F;
;;   anything past U+FFFF (a surrogate pair in the decoded text): a lead byte 0xF0-0xF4;
;;   U+FEFF: EF BB BF; U+FFFE and U+FFFF: EF BF BE and EF BF BF.
;; (Lone surrogates cannot be in valid UTF-8.) 0xC2 and 0xEF are always lead bytes, never
;; continuations, so bytes are looked at one by one without following the sequences.
;; 16 bytes at a time: a block with no control, DEL or byte past 0x7F is passed over whole.
(module
  (memory (export "memory") 2)
  (global $nonAscii (export "nonAscii") (mut i32) (i32.const 0))
  (func (export "scan") (param $len i32) (result i32)
    (local $i i32) (local $v v128) (local $j i32) (local $end i32) (local $b i32) (local $n1 i32) (local $n2 i32)
    (global.set $nonAscii (i32.const 0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $v (v128.load (local.get $i)))
        (if (v128.any_true (v128.or
              (v128.andnot (i8x16.lt_u (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32))
                           (i8x16.eq (local.get $v) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))
              (i8x16.ge_u (local.get $v) (v128.const i8x16 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127))))
          (then
            (local.set $j (local.get $i))
            (local.set $end (i32.add (local.get $i) (i32.const 16)))
            (if (i32.gt_u (local.get $end) (local.get $len)) (then (local.set $end (local.get $len))))
            (loop $bytes
              (local.set $b (i32.load8_u (local.get $j)))
              (if (i32.lt_u (local.get $b) (i32.const 32))
                (then (if (i32.ne (local.get $b) (i32.const 10)) (then (return (local.get $j))))))
              (if (i32.eq (local.get $b) (i32.const 127)) (then (return (local.get $j))))
              (if (i32.ge_u (local.get $b) (i32.const 128))
                (then
                  (global.set $nonAscii (i32.const 1))
                  (if (i32.ge_u (local.get $b) (i32.const 240)) (then (return (local.get $j))))
                  (local.set $n1 (i32.load8_u offset=1 (local.get $j)))
                  (if (i32.eq (local.get $b) (i32.const 194))
                    (then (if (i32.le_u (local.get $n1) (i32.const 159)) (then (return (local.get $j))))))
                  (if (i32.eq (local.get $b) (i32.const 239))
                    (then
                      (local.set $n2 (i32.load8_u offset=2 (local.get $j)))
                      (if (i32.and (i32.eq (local.get $n1) (i32.const 187)) (i32.eq (local.get $n2) (i32.const 191))) (then (return (local.get $j))))
                      (if (i32.and (i32.eq (local.get $n1) (i32.const 191)) (i32.ge_u (local.get $n2) (i32.const 190))) (then (return (local.get $j))))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $bytes (i32.lt_u (local.get $j) (local.get $end))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (i32.const -1)))
