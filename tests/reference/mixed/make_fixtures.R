# Reference figures for workbench.survey.mixed (two-level random-intercept model).
#
# Run from the repository root:   Rscript tests/reference/mixed/make_fixtures.R
# Reads ../shared/reference/timss2011_g4_math.csv.gz, keeps every 4th school, and writes
#   tests/reference/mixed/timss_schools.csv   the data the tests fit (about 1,200 students)
#   tests/reference/mixed/fixtures.csv        one row per figure
#   tests/reference/mixed/session_info.txt    R and package versions
#
# Cases
# * lme4_*: lme4::lmer(..., REML = FALSE) -- unweighted maximum likelihood, tightened
#   convergence; fixed effects, model SEs (vcov), variances, log-likelihood; robust SEs
#   of the fixed effects from clubSandwich::vcovCR(type = "CR1") (cluster sandwich with
#   the m / (m - 1) factor, as WeMix); plausible values combined with mitools::MIcombine
#   (df.complete = number of schools - 1).
# * quad_*: the weighted pseudo-likelihood of Rabe-Hesketh & Skrondal (2006), written from
#   its definition -- each school's likelihood is the integral over its random intercept of
#   prod_i f(y_i | u)^(w_i|j), computed by quadrature (trapezoidal rule, 201 nodes), raised to
#   the school weight -- and maximised with optim; robust (sandwich) SEs from numDeriv
#   derivatives of the per-school log-likelihoods (block-diagonal bread, J/(J-1) meat, as
#   WeMix::mix). WeMix itself is not packaged for Debian, so this is the weighted check.
#   Weights: a synthetic full student weight W1 and school weight SCHWGT (both in the CSV);
#   level-1 conditional weight W1 / SCHWGT, scaled to sum to the school's sample size
#   ("cluster") or used as given ("none").

suppressMessages({
  library(lme4)
  library(clubSandwich)
  library(mitools)
  library(numDeriv)
})

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else getwd()
root <- normalizePath(file.path(here, "..", "..", ".."))
ref <- file.path(dirname(root), "shared", "reference")

timss <- read.csv(gzfile(file.path(ref, "timss2011_g4_math.csv.gz")))
timss$IDSCHOOL <- timss$IDSTUD %/% 10000
schools <- sort(unique(timss$IDSCHOOL))
keep <- schools[seq(1, length(schools), by = 4)]
d <- timss[timss$IDSCHOOL %in% keep,
           c("IDSTUD", "IDSCHOOL", "TOTWGT", "female", "books", "lang", paste0("ASMMAT", 1:5))]
d <- d[order(d$IDSCHOOL, d$IDSTUD), ]
# synthetic weights with real variation at both levels (deterministic)
k <- match(d$IDSCHOOL, keep)
d$SCHWGT <- round(ave(d$TOTWGT, d$IDSCHOOL) * c(0.2, 0.5, 0.8)[(k %% 3) + 1], 4)
d$W1 <- round(d$TOTWGT * (1 + 0.5 * (d$IDSTUD %% 3)), 4)
write.csv(d, file.path(here, "timss_schools.csv"), row.names = FALSE)

rows <- list()
emit <- function(case, quantity, term, value) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, quantity = quantity, term = term,
                                          value = sprintf("%.17g", value))
}
ctrl <- lmerControl(optimizer = "nloptwrap", calc.derivs = FALSE,
                    optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-14, xtol_rel = 1e-14,
                                   maxeval = 1e5))
terms_of <- function(fit) sub("^factor\\((.*)\\)(.*)$", "C(\\1)[\\2]", names(fixef(fit)))

fit_lmer <- function(f) lmer(f, data = d, REML = FALSE, control = ctrl)
emit_lmer <- function(case, fit) {
  tm <- terms_of(fit)
  vc <- as.data.frame(VarCorr(fit))
  emit(case, "coef", tm, fixef(fit))
  emit(case, "se_model", tm, sqrt(diag(as.matrix(vcov(fit)))))
  emit(case, "se_robust", tm, sqrt(diag(as.matrix(vcovCR(fit, type = "CR1")))))
  emit(case, "between", "", vc$vcov[vc$grp == "IDSCHOOL"])
  emit(case, "within", "", vc$vcov[vc$grp == "Residual"])
  emit(case, "loglik", "", as.numeric(logLik(fit)))
  emit(case, "n", "", nobs(fit))
  emit(case, "n_schools", "", ngrps(fit)[["IDSCHOOL"]])
}

f0 <- ASMMAT1 ~ 1 + (1 | IDSCHOOL)
f1 <- ASMMAT1 ~ female + books + factor(lang) + (1 | IDSCHOOL)
emit_lmer("lme4_null", fit_lmer(f0))
full <- fit_lmer(f1)
emit_lmer("lme4_full", full)
# the null model on the full model's students (for the share of variance explained)
d_cc <- d[complete.cases(d[, c("ASMMAT1", "female", "books", "lang")]), ]
emit_lmer("lme4_null_cc", lmer(f0, data = d_cc, REML = FALSE, control = ctrl))

# plausible values: one lmer per PV, Rubin's rules with mitools (complete-data df = J - 1)
pv_fits <- lapply(1:5, function(m) fit_lmer(update(f1, paste0("ASMMAT", m, " ~ ."))))
J <- ngrps(pv_fits[[1]])[["IDSCHOOL"]]
for (kind in c("model", "robust")) {
  vars <- lapply(pv_fits, function(f) {
    as.matrix(if (kind == "model") vcov(f) else vcovCR(f, type = "CR1"))
  })
  mi <- MIcombine(lapply(pv_fits, fixef), vars, df.complete = J - 1)
  tm <- terms_of(pv_fits[[1]])
  emit(paste0("lme4_pv_", kind), "coef", tm, coef(mi))
  emit(paste0("lme4_pv_", kind), "se", tm, sqrt(diag(vcov(mi))))
  emit(paste0("lme4_pv_", kind), "df", tm, mi$df)
}
for (comp in c("IDSCHOOL", "Residual")) {
  v <- sapply(pv_fits, function(f) {
    vc <- as.data.frame(VarCorr(f))
    vc$vcov[vc$grp == comp]
  })
  emit("lme4_pv_model", if (comp == "IDSCHOOL") "between" else "within", "", mean(v))
}

# ---- the weighted pseudo-likelihood from its definition, by quadrature ----------------
quad_fit <- function(case, w1, w2, scaling, start_fit) {
  dd <- d[complete.cases(d[, c("ASMMAT1", "female", "books")]), ]
  X <- model.matrix(~ female + books, dd)
  y <- dd$ASMMAT1
  g <- dd$IDSCHOOL
  wc <- dd[[w1]] / dd[[w2]]
  if (scaling == "cluster") wc <- wc * ave(wc, g, FUN = length) / ave(wc, g, FUN = sum)
  idx <- split(seq_len(nrow(dd)), g)
  wj <- sapply(idx, function(i) dd[[w2]][i[1]])
  p <- ncol(X)
  # trapezoidal rule on 201 nodes over +-10 posterior SDs around the school's posterior
  # mean: for these smooth, rapidly decaying integrands it is exact to rounding
  z <- seq(-10, 10, length.out = 201)
  school_ll <- function(par) {  # w_j * log integral_u prod_i f(y_i | u)^w_i|j phi(u; tau2) du
    beta <- par[1:p]; tau2 <- par[p + 1]; s2 <- par[p + 2]
    r <- as.numeric(y - X %*% beta)
    mapply(function(i, w) {
      prec <- sum(wc[i]) / s2 + 1 / tau2
      u <- sum(wc[i] * r[i]) / s2 / prec + z / sqrt(prec)
      h <- colSums(wc[i] * dnorm(outer(r[i], u, "-"), 0, sqrt(s2), log = TRUE)) +
        dnorm(u, 0, sqrt(tau2), log = TRUE)
      hm <- max(h)
      area <- sum(exp(h - hm)) * (u[2] - u[1])
      w * (hm + log(area))
    }, idx, wj)
  }
  total <- function(par) sum(school_ll(par))
  vc <- as.data.frame(VarCorr(start_fit))
  start <- c(fixef(start_fit), vc$vcov[vc$grp == "IDSCHOOL"], vc$vcov[vc$grp == "Residual"])
  # optimise on log variances, then polish with Newton steps on the natural scale
  tr <- function(q) c(q[1:p], exp(q[p + 1:2]))
  opt <- optim(c(start[1:p], log(start[p + 1:2])), function(q) -total(tr(q)),
               method = "BFGS", control = list(reltol = 1e-10, maxit = 500))
  par <- tr(opt$par)
  for (it in 1:3) {
    gr <- grad(total, par)
    he <- hessian(total, par)
    par <- par - solve(he, gr)
  }
  gr <- grad(total, par)
  he <- hessian(total, par)
  scores <- jacobian(school_ll, par)           # J x (p + 2)
  nj <- nrow(scores)
  meat <- nj / (nj - 1) * crossprod(scores)
  bb <- 1:p; vv <- p + 1:2
  vb <- solve(he[bb, bb]) %*% meat[bb, bb] %*% solve(he[bb, bb])
  vv_cov <- solve(he[vv, vv]) %*% meat[vv, vv] %*% solve(he[vv, vv])
  tm <- colnames(X)
  emit(case, "coef", tm, par[bb])
  emit(case, "se_robust", tm, sqrt(diag(vb)))
  emit(case, "between", "", par[p + 1])
  emit(case, "within", "", par[p + 2])
  emit(case, "cov_robust", "between:between", vv_cov[1, 1])
  emit(case, "cov_robust", "between:within", vv_cov[1, 2])
  emit(case, "cov_robust", "within:within", vv_cov[2, 2])
  emit(case, "loglik", "", total(par))
  emit(case, "max_abs_gradient", "", max(abs(gr)))
  emit(case, "n", "", nrow(dd))
  par
}
d$ONE <- 1
start_fit <- fit_lmer(ASMMAT1 ~ female + books + (1 | IDSCHOOL))
emit_lmer("lme4_small", start_fit)
unw <- quad_fit("quad_unweighted", "ONE", "ONE", "none", start_fit)
# the quadrature reference reproduces lme4 when every weight is 1
vc <- as.data.frame(VarCorr(start_fit))
stopifnot(max(abs(unw / c(fixef(start_fit), vc$vcov[vc$grp == "IDSCHOOL"],
                          vc$vcov[vc$grp == "Residual"]) - 1)) < 1e-6)
invisible(quad_fit("quad_cluster", "W1", "SCHWGT", "cluster", start_fit))
invisible(quad_fit("quad_none", "W1", "SCHWGT", "none", start_fit))

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "fixtures.csv"), row.names = FALSE, quote = TRUE)
writeLines(c(R.version.string, paste("lme4", packageVersion("lme4")),
             paste("clubSandwich", packageVersion("clubSandwich")),
             paste("mitools", packageVersion("mitools")),
             paste("numDeriv", packageVersion("numDeriv"))),
           file.path(here, "session_info.txt"))
cat("wrote", nrow(out), "rows to", file.path(here, "fixtures.csv"), "\n")
