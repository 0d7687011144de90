;; The fused Bernoulli log-likelihood (runtime/kernels/fused/bernoulli-loss.ts) in WebAssembly SIMD on tfjs's wasm
;; heap. Assembled at build time by scripts/wat.mjs into bernoulli.wasm.ts; loaded by simd.ts. Pointers are byte
;; offsets; n4 counts float32 elements, a multiple of 4. v128 loads and stores say align=1: addresses are only known
;; to be 4-byte aligned.
;; For logits l and 0/1 data x, with e = exp(−|l|) and u = 1 + e:
;;   bernFwd(l, x, out, sig, n4):   out = x·l − softplus(l), softplus(l) = max(l, 0) + log1p(e),
;;                                  log1p(e) = log(u)·e/(u − 1) (e where u = 1); sig = σ(l)
;;   bernGrad(dy, x, sig, out, n4): out = dy·(x − sig)
;; exp and log are Cephes' single-precision expf/logf (range reduction + polynomial, ~1 ulp).
(module
  (import "env" "memory" (memory 1))

  (func (export "bernFwd") (param $l i32) (param $x i32) (param $out i32) (param $sig i32) (param $n4 i32)
    (local $k i32)
    ;; constants splatted to four lanes: clamp, log₂ e, ln 2 = ln2hi + ln2lo, 1, √2, ½, 0, −½, then the
    ;; coefficients of expf's polynomial (exp0…exp5) and of logf's (log0…log8)
    (local $m87 v128) (local $log2e v128) (local $ln2hi v128) (local $ln2lo v128) (local $one v128) (local $sqrt2 v128)
    (local $half v128) (local $zero v128) (local $mhalf v128) (local $exp0 v128) (local $exp1 v128) (local $exp2 v128)
    (local $exp3 v128) (local $exp4 v128) (local $exp5 v128) (local $log0 v128) (local $log1 v128) (local $log2 v128)
    (local $log3 v128) (local $log4 v128) (local $log5 v128) (local $log6 v128) (local $log7 v128) (local $log8 v128)
    (local $vl v128)                           ;; l
    (local $t v128) (local $nf v128) (local $r v128)   ;; t = max(−|l|, −87.3) = nf·ln 2 + r, nf an integer
    (local $p v128)                            ;; softplus(l)
    (local $e v128) (local $u v128)            ;; e = exp(t), u = 1 + e
    (local $big v128) (local $kf v128)         ;; u > √2 (all bits set) and the exponent k of u = 2ᵏ·(1 + f) as 0 or 1
    (local $f v128) (local $z v128) (local $q v128) (local $lu v128)   ;; f, f², log(1 + f) − f, log(u)
    (local.set $m87 (f32x4.splat (f32.const -87.3)))
    (local.set $log2e (f32x4.splat (f32.const 1.4426950408889634)))
    (local.set $ln2hi (f32x4.splat (f32.const 0.693359375)))
    (local.set $ln2lo (f32x4.splat (f32.const -2.12194440e-4)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $sqrt2 (f32x4.splat (f32.const 1.4142135623730951)))
    (local.set $half (f32x4.splat (f32.const 0.5)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $mhalf (f32x4.splat (f32.const -0.5)))
    (local.set $exp0 (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $exp1 (f32x4.splat (f32.const 1.3981999507e-3)))
    (local.set $exp2 (f32x4.splat (f32.const 8.3334519073e-3)))
    (local.set $exp3 (f32x4.splat (f32.const 4.1665795894e-2)))
    (local.set $exp4 (f32x4.splat (f32.const 1.6666665459e-1)))
    (local.set $exp5 (f32x4.splat (f32.const 5.0000001201e-1)))
    (local.set $log0 (f32x4.splat (f32.const 7.0376836292e-2)))
    (local.set $log1 (f32x4.splat (f32.const -1.1514610310e-1)))
    (local.set $log2 (f32x4.splat (f32.const 1.1676998740e-1)))
    (local.set $log3 (f32x4.splat (f32.const -1.2420140846e-1)))
    (local.set $log4 (f32x4.splat (f32.const 1.4249322787e-1)))
    (local.set $log5 (f32x4.splat (f32.const -1.6668057665e-1)))
    (local.set $log6 (f32x4.splat (f32.const 2.0000714765e-1)))
    (local.set $log7 (f32x4.splat (f32.const -2.4999993993e-1)))
    (local.set $log8 (f32x4.splat (f32.const 3.3333331174e-1)))
    (local.set $n4 (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next4
        (br_if $done (i32.ge_u (local.get $k) (local.get $n4)))
        ;; e = exp(t), t = max(−|l|, −87.3): t = nf·ln 2 + r, e = 2^nf·expf_poly(r)
        (local.set $t (f32x4.max
          (f32x4.neg (f32x4.abs (local.tee $vl (v128.load align=1 (i32.add (local.get $l) (local.get $k))))))
          (local.get $m87)))
        (local.set $nf (f32x4.nearest (f32x4.mul (local.get $t) (local.get $log2e))))
        (local.set $r (f32x4.sub
          (f32x4.sub (local.get $t) (f32x4.mul (local.get $nf) (local.get $ln2hi)))
          (f32x4.mul (local.get $nf) (local.get $ln2lo))))
        ;; e = expf_poly(r)·2^nf: ((exp0·r + exp1)·r + … + exp5)·r² + r + 1 (Horner, on the stack), and 2^nf
        ;; from its bits, (nf + 127) << 23
        (local.get $exp0)
        (f32x4.mul (local.get $r)) (f32x4.add (local.get $exp1))
        (f32x4.mul (local.get $r)) (f32x4.add (local.get $exp2))
        (f32x4.mul (local.get $r)) (f32x4.add (local.get $exp3))
        (f32x4.mul (local.get $r)) (f32x4.add (local.get $exp4))
        (f32x4.mul (local.get $r)) (f32x4.add (local.get $exp5))
        (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)))
        (f32x4.add (local.get $r))
        (f32x4.add (local.get $one))
        (f32x4.mul (i32x4.shl
          (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $nf)) (i32x4.splat (i32.const 127)))
          (i32.const 23)))
        (local.set $e)
        ;; log(u), u = 1 + e ∈ [1, 2]: u = 2ᵏ·(1 + f) with 1 + f ∈ [√½, √2]
        (local.set $u (f32x4.add (local.get $e) (local.get $one)))
        (local.set $big (f32x4.gt (local.get $u) (local.get $sqrt2)))
        (local.set $kf (v128.and (local.get $big) (local.get $one)))
        (local.set $f (f32x4.sub
          (f32x4.mul (local.get $u) (v128.bitselect (local.get $half) (local.get $one) (local.get $big)))
          (local.get $one)))
        (local.set $z (f32x4.mul (local.get $f) (local.get $f)))
        ;; q = logf_poly(f)·f·z + kf·ln2lo − z/2 (the polynomial by Horner, on the stack)
        (local.get $log0)
        (f32x4.mul (local.get $f)) (f32x4.add (local.get $log1))
        (f32x4.mul (local.get $f)) (f32x4.add (local.get $log2))
        (f32x4.mul (local.get $f)) (f32x4.add (local.get $log3))
        (f32x4.mul (local.get $f)) (f32x4.add (local.get $log4))
        (f32x4.mul (local.get $f)) (f32x4.add (local.get $log5))
        (f32x4.mul (local.get $f)) (f32x4.add (local.get $log6))
        (f32x4.mul (local.get $f)) (f32x4.add (local.get $log7))
        (f32x4.mul (local.get $f)) (f32x4.add (local.get $log8))
        (f32x4.mul (local.get $f))
        (f32x4.mul (local.get $z))
        (f32x4.add (f32x4.mul (local.get $kf) (local.get $ln2lo)))
        (f32x4.add (f32x4.mul (local.get $z) (local.get $mhalf)))
        (local.set $q)
        ;; log(u) = f + q + kf·ln2hi
        (local.set $lu (f32x4.add
          (f32x4.add (local.get $f) (local.get $q))
          (f32x4.mul (local.get $kf) (local.get $ln2hi))))
        ;; softplus = max(l, 0) + log1p(e), log1p(e) = log(u)·e/(u − 1), or e where u = 1
        (local.set $p (f32x4.add
          (v128.bitselect
            (local.get $e)
            (f32x4.div (f32x4.mul (local.get $lu) (local.get $e)) (f32x4.sub (local.get $u) (local.get $one)))
            (f32x4.eq (local.get $u) (local.get $one)))
          (f32x4.max (local.get $vl) (local.get $zero))))
        ;; out = x·l − softplus
        (v128.store align=1 (i32.add (local.get $out) (local.get $k))
          (f32x4.sub
            (f32x4.mul (v128.load align=1 (i32.add (local.get $x) (local.get $k))) (local.get $vl))
            (local.get $p)))
        ;; σ(l) = 1/u for l ≥ 0, e/u otherwise (r now holds 1/u)
        (local.set $r (f32x4.div (local.get $one) (local.get $u)))
        (v128.store align=1 (i32.add (local.get $sig) (local.get $k))
          (v128.bitselect
            (local.get $r)
            (f32x4.mul (local.get $e) (local.get $r))
            (f32x4.ge (local.get $vl) (local.get $zero))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next4))))

  (func (export "bernGrad") (param $dy i32) (param $x i32) (param $sig i32) (param $out i32) (param $n4 i32)
    (local $k i32)
    (local.set $n4 (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $done
      (loop $next4
        (br_if $done (i32.ge_u (local.get $k) (local.get $n4)))
        (v128.store align=1 (i32.add (local.get $out) (local.get $k))
          (f32x4.mul
            (v128.load align=1 (i32.add (local.get $dy) (local.get $k)))
            (f32x4.sub
              (v128.load align=1 (i32.add (local.get $x) (local.get $k)))
              (v128.load align=1 (i32.add (local.get $sig) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $next4))))
)
