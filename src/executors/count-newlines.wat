;; Newlines (0x0a) in memory[0, len), for src/executors/count-newlines.ts. The bytes embedded there
;; are this file assembled with wabt (test/executors/count-newlines.test.ts checks that they are).
;; 16 bytes at a time: i8x16.eq gives -1 in each lane that holds a newline, subtracting it counts
;; one; a lane counts at most 255 blocks before the lanes are summed into the total.
(module
  (memory (export "memory") 2)
  (func (export "count") (param $len i32) (result i32)
    (local $i i32) (local $end16 i32) (local $stop i32) (local $acc v128) (local $sum v128) (local $total i32)
    (local.set $end16 (i32.and (local.get $len) (i32.const -16)))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $end16)))
        ;; at most 255 blocks per byte counter
        (local.set $stop (i32.add (local.get $i) (i32.const 4080)))
        (if (i32.gt_u (local.get $stop) (local.get $end16)) (then (local.set $stop (local.get $end16))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $acc (i8x16.sub (local.get $acc) (i8x16.eq (v128.load (local.get $i)) (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br_if $inner (i32.lt_u (local.get $i) (local.get $stop))))
        (local.set $sum (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
        (local.set $total (i32.add (local.get $total)
          (i32.add (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
                   (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum))))))
        (br $outer)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $len)))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 10)) (then (local.set $total (i32.add (local.get $total) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    (local.get $total)))
