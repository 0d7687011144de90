;; The staircase MADE layer's kernels (runtime/kernels/fused/staircase-dense.ts) in WebAssembly SIMD on tfjs's
;; wasm heap: block copies of masked weights, bias + ReLU, and their gradient. Assembled at build time by
;; scripts/wat.mjs into simd-made.wasm.ts; loaded by simd.ts. Pointers are byte offsets; strides and sizes
;; count float32 elements. v128 loads and stores say align=1: addresses are only known to be 4-byte aligned.
(module
  (import "env" "memory" (memory 1))

  ;; Block copies; pointers at the block's origin, strides ld* in elements, cols (maskBlock, copyBlock) or
  ;; rows and cols (the transposing ones) multiples of 4:
  ;;   maskBlock(w, ldw, m, ldm, d, ldd, rows, cols):  d[r, c] = w[r, c]·m[r, c]
  ;;   maskBlockT(w, ldw, m, ldm, d, ldd, rows, cols): d[c, r] = w[r, c]·m[r, c] (4×4 register tiles)
  ;;   copyBlock(w, ldw, _, _, d, ldd, rows, cols):     d[r, c] = w[r, c]
  ;;   copyBlockT(w, ldw, _, _, d, ldd, rows, cols):    d[c, r] = w[r, c]
  ;;   zero(d, ldd, rows, cols):                         d[r, c] = 0
  (func $maskBlock (export "maskBlock")
    (param $w i32) (param $ldw i32) (param $m i32) (param $ldm i32) (param $d i32) (param $ldd i32)
    (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32)
    ;; strides and the row length in bytes
    (local.set $ldw (i32.shl (local.get $ldw) (i32.const 2)))
    (local.set $ldm (i32.shl (local.get $ldm) (i32.const 2)))
    (local.set $ldd (i32.shl (local.get $ldd) (i32.const 2)))
    (local.set $cols (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $row_done
          (loop $next4
            (br_if $row_done (i32.ge_u (local.get $c) (local.get $cols)))
            (v128.store align=1 (i32.add (local.get $d) (local.get $c))
              (f32x4.mul
                (v128.load align=1 (i32.add (local.get $w) (local.get $c)))
                (v128.load align=1 (i32.add (local.get $m) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $next4)))
        (local.set $w (i32.add (local.get $w) (local.get $ldw)))
        (local.set $m (i32.add (local.get $m) (local.get $ldm)))
        (local.set $d (i32.add (local.get $d) (local.get $ldd)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  (func $maskBlockT (export "maskBlockT")
    (param $w i32) (param $ldw i32) (param $m i32) (param $ldm i32) (param $d i32) (param $ldd i32)
    (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32)
    (local $sw i32) (local $sm i32) (local $sd i32)                     ;; the tile's byte offsets in w, m, d
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)   ;; the tile's rows of w∘m
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)   ;; lanes interleaved
    (local.set $ldw (i32.shl (local.get $ldw) (i32.const 2)))
    (local.set $ldm (i32.shl (local.get $ldm) (i32.const 2)))
    (local.set $ldd (i32.shl (local.get $ldd) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $tiles_done
          (loop $tiles
            (br_if $tiles_done (i32.ge_u (local.get $c) (local.get $cols)))
            ;; sw = w + r·ldw + 4c, sm = m + r·ldm + 4c, sd = d + c·ldd + 4r (bytes)
            (local.set $sw (i32.add (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $ldw)))
              (i32.shl (local.get $c) (i32.const 2))))
            (local.set $sm (i32.add (i32.add (local.get $m) (i32.mul (local.get $r) (local.get $ldm)))
              (i32.shl (local.get $c) (i32.const 2))))
            (local.set $sd (i32.add (i32.add (local.get $d) (i32.mul (local.get $c) (local.get $ldd)))
              (i32.shl (local.get $r) (i32.const 2))))
            (local.set $a0 (f32x4.mul
              (v128.load align=1 (local.get $sw))
              (v128.load align=1 (local.get $sm))))
            (local.set $a1 (f32x4.mul
              (v128.load align=1 (i32.add (local.get $sw) (i32.mul (local.get $ldw) (i32.const 1))))
              (v128.load align=1 (i32.add (local.get $sm) (i32.mul (local.get $ldm) (i32.const 1))))))
            (local.set $a2 (f32x4.mul
              (v128.load align=1 (i32.add (local.get $sw) (i32.mul (local.get $ldw) (i32.const 2))))
              (v128.load align=1 (i32.add (local.get $sm) (i32.mul (local.get $ldm) (i32.const 2))))))
            (local.set $a3 (f32x4.mul
              (v128.load align=1 (i32.add (local.get $sw) (i32.mul (local.get $ldw) (i32.const 3))))
              (v128.load align=1 (i32.add (local.get $sm) (i32.mul (local.get $ldm) (i32.const 3))))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
              (local.get $a0) (local.get $a1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
              (local.get $a0) (local.get $a1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
              (local.get $a2) (local.get $a3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
              (local.get $a2) (local.get $a3)))
            (v128.store align=1 (local.get $sd)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store align=1 (i32.add (local.get $sd) (i32.mul (local.get $ldd) (i32.const 1)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store align=1 (i32.add (local.get $sd) (i32.mul (local.get $ldd) (i32.const 2)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store align=1 (i32.add (local.get $sd) (i32.mul (local.get $ldd) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $tiles)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows))))
  (func $copyBlock (export "copyBlock")
    (param $w i32) (param $ldw i32) (param $m i32) (param $ldm i32) (param $d i32) (param $ldd i32)
    (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32)
    ;; strides and the row length in bytes
    (local.set $ldw (i32.shl (local.get $ldw) (i32.const 2)))
    (local.set $ldm (i32.shl (local.get $ldm) (i32.const 2)))
    (local.set $ldd (i32.shl (local.get $ldd) (i32.const 2)))
    (local.set $cols (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $row_done
          (loop $next4
            (br_if $row_done (i32.ge_u (local.get $c) (local.get $cols)))
            (v128.store align=1 (i32.add (local.get $d) (local.get $c))
              (v128.load align=1 (i32.add (local.get $w) (local.get $c))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $next4)))
        (local.set $w (i32.add (local.get $w) (local.get $ldw)))
        (local.set $m (i32.add (local.get $m) (local.get $ldm)))
        (local.set $d (i32.add (local.get $d) (local.get $ldd)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  (func $copyBlockT (export "copyBlockT")
    (param $w i32) (param $ldw i32) (param $m i32) (param $ldm i32) (param $d i32) (param $ldd i32)
    (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32)
    (local $sw i32) (local $sm i32) (local $sd i32)                     ;; the tile's byte offsets in w, m, d
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)   ;; the tile's rows of w
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)   ;; lanes interleaved
    (local.set $ldw (i32.shl (local.get $ldw) (i32.const 2)))
    (local.set $ldm (i32.shl (local.get $ldm) (i32.const 2)))
    (local.set $ldd (i32.shl (local.get $ldd) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $tiles_done
          (loop $tiles
            (br_if $tiles_done (i32.ge_u (local.get $c) (local.get $cols)))
            ;; sw = w + r·ldw + 4c, sm = m + r·ldm + 4c, sd = d + c·ldd + 4r (bytes)
            (local.set $sw (i32.add (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $ldw)))
              (i32.shl (local.get $c) (i32.const 2))))
            (local.set $sm (i32.add (i32.add (local.get $m) (i32.mul (local.get $r) (local.get $ldm)))
              (i32.shl (local.get $c) (i32.const 2))))
            (local.set $sd (i32.add (i32.add (local.get $d) (i32.mul (local.get $c) (local.get $ldd)))
              (i32.shl (local.get $r) (i32.const 2))))
            (local.set $a0 (v128.load align=1 (local.get $sw)))
            (local.set $a1
              (v128.load align=1 (i32.add (local.get $sw) (i32.mul (local.get $ldw) (i32.const 1)))))
            (local.set $a2
              (v128.load align=1 (i32.add (local.get $sw) (i32.mul (local.get $ldw) (i32.const 2)))))
            (local.set $a3
              (v128.load align=1 (i32.add (local.get $sw) (i32.mul (local.get $ldw) (i32.const 3)))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
              (local.get $a0) (local.get $a1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
              (local.get $a0) (local.get $a1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
              (local.get $a2) (local.get $a3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
              (local.get $a2) (local.get $a3)))
            (v128.store align=1 (local.get $sd)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store align=1 (i32.add (local.get $sd) (i32.mul (local.get $ldd) (i32.const 1)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store align=1 (i32.add (local.get $sd) (i32.mul (local.get $ldd) (i32.const 2)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store align=1 (i32.add (local.get $sd) (i32.mul (local.get $ldd) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $tiles)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows))))

  (func $zero (export "zero") (param $d i32) (param $ldd i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $zeros v128)
    (local.set $zeros (f32x4.splat (f32.const 0)))
    (local.set $ldd (i32.shl (local.get $ldd) (i32.const 2)))
    (local.set $cols (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $row_done
          (loop $next4
            (br_if $row_done (i32.ge_u (local.get $c) (local.get $cols)))
            (v128.store align=1 (i32.add (local.get $d) (local.get $c)) (local.get $zeros))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $next4)))
        (local.set $d (i32.add (local.get $d) (local.get $ldd)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; Bias, ReLU and their gradient on [O, N] row-major activations, any N (the last N mod 4 of a row one by one):
  ;;   biasRelu / biasLin(z, b, O, N): z[o, n] ← relu(z[o, n] + b[o]) / z[o, n] + b[o], in place
  ;;   reluGrad(dy, y, dz, db, O, N):  dz = dy·[y > 0], db[o] = Σₙ dz[o, n]
  ;;   linGrad(dy, _, _, db, O, N):    db[o] = Σₙ dy[o, n]

  (func $biasRelu (export "biasRelu") (param $z i32) (param $b i32) (param $O i32) (param $N i32)
    (local $o i32) (local $n i32) (local $row i32)
    (local $end4 i32) (local $end i32)               ;; bytes of a row's SIMD part, 4·(N − N mod 4), and of the row
    (local $bs f32) (local $bv v128) (local $zeros v128)   ;; b[o], splatted; 0 splatted
    (local.set $end4 (i32.shl (i32.and (local.get $N) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $N) (i32.const 2)))
    (local.set $zeros (f32x4.splat (f32.const 0)))
    (local.set $o (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $o) (local.get $O)))
        (local.set $row (i32.add (local.get $z) (i32.mul (local.get $o) (local.get $end))))
        (local.set $bs (f32.load (i32.add (local.get $b) (i32.shl (local.get $o) (i32.const 2)))))
        (local.set $bv (f32x4.splat (local.get $bs)))
        (local.set $n (i32.const 0))
        (block $simd_done
          (loop $next4
            (br_if $simd_done (i32.ge_u (local.get $n) (local.get $end4)))
            (v128.store align=1 (i32.add (local.get $row) (local.get $n))
              (f32x4.max
                (f32x4.add (v128.load align=1 (i32.add (local.get $row) (local.get $n))) (local.get $bv))
                (local.get $zeros)))
            (local.set $n (i32.add (local.get $n) (i32.const 16)))
            (br $next4)))
        (block $tail_done
          (loop $next1
            (br_if $tail_done (i32.ge_u (local.get $n) (local.get $end)))
            (f32.store (i32.add (local.get $row) (local.get $n))
              (f32.max
                (f32.add (f32.load (i32.add (local.get $row) (local.get $n))) (local.get $bs))
                (f32.const 0)))
            (local.set $n (i32.add (local.get $n) (i32.const 4)))
            (br $next1)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $rows))))

  (func $biasLin (export "biasLin") (param $z i32) (param $b i32) (param $O i32) (param $N i32)
    (local $o i32) (local $n i32) (local $row i32)
    (local $end4 i32) (local $end i32)               ;; bytes of a row's SIMD part, 4·(N − N mod 4), and of the row
    (local $bs f32) (local $bv v128) (local $zeros v128)   ;; b[o], splatted; 0 splatted
    (local.set $end4 (i32.shl (i32.and (local.get $N) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $N) (i32.const 2)))
    (local.set $zeros (f32x4.splat (f32.const 0)))
    (local.set $o (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $o) (local.get $O)))
        (local.set $row (i32.add (local.get $z) (i32.mul (local.get $o) (local.get $end))))
        (local.set $bs (f32.load (i32.add (local.get $b) (i32.shl (local.get $o) (i32.const 2)))))
        (local.set $bv (f32x4.splat (local.get $bs)))
        (local.set $n (i32.const 0))
        (block $simd_done
          (loop $next4
            (br_if $simd_done (i32.ge_u (local.get $n) (local.get $end4)))
            (v128.store align=1 (i32.add (local.get $row) (local.get $n))
              (f32x4.add (v128.load align=1 (i32.add (local.get $row) (local.get $n))) (local.get $bv)))
            (local.set $n (i32.add (local.get $n) (i32.const 16)))
            (br $next4)))
        (block $tail_done
          (loop $next1
            (br_if $tail_done (i32.ge_u (local.get $n) (local.get $end)))
            (f32.store (i32.add (local.get $row) (local.get $n))
              (f32.add (f32.load (i32.add (local.get $row) (local.get $n))) (local.get $bs)))
            (local.set $n (i32.add (local.get $n) (i32.const 4)))
            (br $next1)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $rows))))

  (func $reluGrad (export "reluGrad")
    (param $dy i32) (param $y i32) (param $dz i32) (param $db i32) (param $O i32) (param $N i32)
    (local $o i32) (local $n i32) (local $off i32)   ;; off: the row's byte offset
    (local $end4 i32) (local $end i32)               ;; bytes of a row's SIMD part, 4·(N − N mod 4), and of the row
    (local $sum f32) (local $d f32)                  ;; Σ over the row's last N mod 4; one element
    (local $sum4 v128) (local $zeros v128) (local $d4 v128)
    (local.set $end4 (i32.shl (i32.and (local.get $N) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $N) (i32.const 2)))
    (local.set $zeros (f32x4.splat (f32.const 0)))
    (local.set $o (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $o) (local.get $O)))
        (local.set $off (i32.mul (local.get $o) (local.get $end)))
        (local.set $sum4 (local.get $zeros))
        (local.set $sum (f32.const 0))
        (local.set $n (i32.const 0))
        (block $simd_done
          (loop $next4
            (br_if $simd_done (i32.ge_u (local.get $n) (local.get $end4)))
            (local.set $d4 (v128.load align=1 (i32.add (i32.add (local.get $dy) (local.get $off)) (local.get $n))))
            (local.set $d4
              (v128.and (local.get $d4)
                (f32x4.gt
                  (v128.load align=1 (i32.add (i32.add (local.get $y) (local.get $off)) (local.get $n)))
                  (local.get $zeros))))
            (v128.store align=1 (i32.add (i32.add (local.get $dz) (local.get $off)) (local.get $n)) (local.get $d4))
            (local.set $sum4 (f32x4.add (local.get $sum4) (local.get $d4)))
            (local.set $n (i32.add (local.get $n) (i32.const 16)))
            (br $next4)))
        (block $tail_done
          (loop $next1
            (br_if $tail_done (i32.ge_u (local.get $n) (local.get $end)))
            (local.set $d (f32.load (i32.add (i32.add (local.get $dy) (local.get $off)) (local.get $n))))
            (local.set $d
              (select (local.get $d) (f32.const 0)
                (f32.gt (f32.load (i32.add (i32.add (local.get $y) (local.get $off)) (local.get $n))) (f32.const 0))))
            (f32.store (i32.add (i32.add (local.get $dz) (local.get $off)) (local.get $n)) (local.get $d))
            (local.set $sum (f32.add (local.get $sum) (local.get $d)))
            (local.set $n (i32.add (local.get $n) (i32.const 4)))
            (br $next1)))
        (f32.store (i32.add (local.get $db) (i32.shl (local.get $o) (i32.const 2)))
          (f32.add
            (f32.add (f32.add (f32.add
              (f32x4.extract_lane 0 (local.get $sum4)) (f32x4.extract_lane 1 (local.get $sum4)))
              (f32x4.extract_lane 2 (local.get $sum4))) (f32x4.extract_lane 3 (local.get $sum4)))
            (local.get $sum)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $rows))))

  (func $linGrad (export "linGrad")
    (param $dy i32) (param $y i32) (param $dz i32) (param $db i32) (param $O i32) (param $N i32)
    (local $o i32) (local $n i32) (local $off i32)   ;; off: the row's byte offset
    (local $end4 i32) (local $end i32)               ;; bytes of a row's SIMD part, 4·(N − N mod 4), and of the row
    (local $sum f32) (local $d f32)                  ;; Σ over the row's last N mod 4; one element
    (local $sum4 v128) (local $zeros v128) (local $d4 v128)
    (local.set $end4 (i32.shl (i32.and (local.get $N) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $N) (i32.const 2)))
    (local.set $zeros (f32x4.splat (f32.const 0)))
    (local.set $o (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $o) (local.get $O)))
        (local.set $off (i32.mul (local.get $o) (local.get $end)))
        (local.set $sum4 (local.get $zeros))
        (local.set $sum (f32.const 0))
        (local.set $n (i32.const 0))
        (block $simd_done
          (loop $next4
            (br_if $simd_done (i32.ge_u (local.get $n) (local.get $end4)))
            (local.set $d4 (v128.load align=1 (i32.add (i32.add (local.get $dy) (local.get $off)) (local.get $n))))
            (local.set $sum4 (f32x4.add (local.get $sum4) (local.get $d4)))
            (local.set $n (i32.add (local.get $n) (i32.const 16)))
            (br $next4)))
        (block $tail_done
          (loop $next1
            (br_if $tail_done (i32.ge_u (local.get $n) (local.get $end)))
            (local.set $d (f32.load (i32.add (i32.add (local.get $dy) (local.get $off)) (local.get $n))))
            (local.set $sum (f32.add (local.get $sum) (local.get $d)))
            (local.set $n (i32.add (local.get $n) (i32.const 4)))
            (br $next1)))
        (f32.store (i32.add (local.get $db) (i32.shl (local.get $o) (i32.const 2)))
          (f32.add
            (f32.add (f32.add (f32.add
              (f32x4.extract_lane 0 (local.get $sum4)) (f32x4.extract_lane 1 (local.get $sum4)))
              (f32x4.extract_lane 2 (local.get $sum4))) (f32x4.extract_lane 3 (local.get $sum4)))
            (local.get $sum)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $rows))))
)
