;; Adam and the masked transpose, in WebAssembly SIMD on tfjs's wasm heap (runtime/kernels/wasm/simd.ts).
;; Assembled at build time by scripts/wat.mjs into simd.wasm.ts (a second variant imports the threaded
;; build's shared memory). Pointers are byte offsets into the heap; sizes count float32 elements.
;; v128 loads and stores say align=1: the addresses are only known to be 4-byte aligned.
(module
  (import "env" "memory" (memory 1))

  ;; adam(p, g, m, v, out, n4, s, b1, omb1, b2, omb2, c1, c2, eps, lr): one Adam step over n4 elements
  ;; (a multiple of 4), the op-by-op trainer's arithmetic operation for operation in float32:
  ;;   g ← g·s; m ← m·β₁ + g·(1−β₁); v ← v·β₂ + (g·g)·(1−β₂); out ← p − ((m / c₁) / (√(v / c₂) + ε))·lr
  ;; m and v are updated in place; the new parameter goes to out.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32) (param $n4 i32)
    (param $s f32) (param $b1 f32) (param $omb1 f32) (param $b2 f32) (param $omb2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $lr f32)
    (local $k i32) (local $end i32)
    ;; the scalars splatted to four lanes, then the step's gradient and new moments
    (local $S v128) (local $B1 v128) (local $OMB1 v128) (local $B2 v128) (local $OMB2 v128)
    (local $C1 v128) (local $C2 v128) (local $EPS v128) (local $LR v128)
    (local $gs v128) (local $mn v128) (local $vn v128)
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $OMB1 (f32x4.splat (local.get $omb1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $OMB2 (f32x4.splat (local.get $omb2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $LR (f32x4.splat (local.get $lr)))
    (local.set $end (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next4
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $gs
          (f32x4.mul (v128.load align=1 (i32.add (local.get $g) (local.get $k))) (local.get $S)))
        (v128.store align=1 (i32.add (local.get $m) (local.get $k))
          (local.tee $mn
            (f32x4.add
              (f32x4.mul (v128.load align=1 (i32.add (local.get $m) (local.get $k))) (local.get $B1))
              (f32x4.mul (local.get $gs) (local.get $OMB1)))))
        (v128.store align=1 (i32.add (local.get $v) (local.get $k))
          (local.tee $vn
            (f32x4.add
              (f32x4.mul (v128.load align=1 (i32.add (local.get $v) (local.get $k))) (local.get $B2))
              (f32x4.mul (f32x4.mul (local.get $gs) (local.get $gs)) (local.get $OMB2)))))
        (v128.store align=1 (i32.add (local.get $out) (local.get $k))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $p) (local.get $k)))
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mn) (local.get $C1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vn) (local.get $C2))) (local.get $EPS)))
              (local.get $LR))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next4))))

  ;; maskT(w, m, wm, wmT, I, O): wm = w∘m ([I, O] row-major) and wmT = wmᵀ ([O, I]) in one pass over
  ;; 4×4 tiles, each transposed in registers; I and O multiples of 4.
  (func (export "maskT")
    (param $w i32) (param $m i32) (param $wm i32) (param $wmT i32) (param $I i32) (param $O i32)
    (local $i i32) (local $o i32)
    (local $src i32) (local $dst i32)          ;; the tile's byte offset in wm and in wmT
    (local $rowO i32) (local $rowI i32)        ;; row lengths in bytes: 4·O (wm), 4·I (wmT)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)   ;; the tile's rows of w∘m
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)   ;; lanes interleaved
    (local.set $rowO (i32.shl (local.get $O) (i32.const 2)))
    (local.set $rowI (i32.shl (local.get $I) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $I)))
        (local.set $o (i32.const 0))
        (block $tiles_done
          (loop $tiles
            (br_if $tiles_done (i32.ge_u (local.get $o) (local.get $O)))
            ;; src = (i·O + o)·4, dst = (o·I + i)·4
            (local.set $src
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $O)) (local.get $o)) (i32.const 2)))
            (local.set $dst
              (i32.shl (i32.add (i32.mul (local.get $o) (local.get $I)) (local.get $i)) (i32.const 2)))
            ;; row k of the tile: wm[src + k·rowO] = w[…]·m[…], kept in a_k
            (v128.store align=1 (i32.add (local.get $wm) (local.get $src))
              (local.tee $a0 (f32x4.mul
                (v128.load align=1 (i32.add (local.get $w) (local.get $src)))
                (v128.load align=1 (i32.add (local.get $m) (local.get $src))))))
            (v128.store align=1
              (i32.add (i32.add (local.get $wm) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 1)))
              (local.tee $a1 (f32x4.mul
                (v128.load align=1
                  (i32.add (i32.add (local.get $w) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 1))))
                (v128.load align=1
                  (i32.add (i32.add (local.get $m) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 1)))))))
            (v128.store align=1
              (i32.add (i32.add (local.get $wm) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 2)))
              (local.tee $a2 (f32x4.mul
                (v128.load align=1
                  (i32.add (i32.add (local.get $w) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 2))))
                (v128.load align=1
                  (i32.add (i32.add (local.get $m) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 2)))))))
            (v128.store align=1
              (i32.add (i32.add (local.get $wm) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 3)))
              (local.tee $a3 (f32x4.mul
                (v128.load align=1
                  (i32.add (i32.add (local.get $w) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 3))))
                (v128.load align=1
                  (i32.add (i32.add (local.get $m) (local.get $src)) (i32.mul (local.get $rowO) (i32.const 3)))))))
            ;; transpose: t0 = (a0₀ a1₀ a0₁ a1₁), t1 = (a0₂ a1₂ a0₃ a1₃), t2, t3 the same of a2, a3
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
              (local.get $a0) (local.get $a1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
              (local.get $a0) (local.get $a1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
              (local.get $a2) (local.get $a3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
              (local.get $a2) (local.get $a3)))
            ;; column k of the tile (= row k of wmT): the low or high halves of t0/t2 or t1/t3
            (v128.store align=1 (i32.add (local.get $wmT) (local.get $dst))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store align=1
              (i32.add (i32.add (local.get $wmT) (local.get $dst)) (i32.mul (local.get $rowI) (i32.const 1)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store align=1
              (i32.add (i32.add (local.get $wmT) (local.get $dst)) (i32.mul (local.get $rowI) (i32.const 2)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store align=1
              (i32.add (i32.add (local.get $wmT) (local.get $dst)) (i32.mul (local.get $rowI) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (br $tiles)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows))))
)
