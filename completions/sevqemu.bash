# bash completion for sevqemu(1)                                -*- shell-script -*-
# SPDX-License-Identifier: MIT

# "sevqemu measure|attest ...": their own options.
_sevqemu_sub()
{
    local cmd=$1 cur=$2 prev=$3
    local shared='--firmware= --vcpu-family= --vcpu-model= --vcpu-stepping=
        --guest-features= --vmsa-init= --ignore-unsupported --quiet --verbose --help'
    local opts
    if [[ $cmd == measure ]]; then
        opts="--format= --tik= --tk= --nonce= --api-major= --api-minor= --build-id= $shared"
    else
        opts="--qmp= --tik= --tek= --tk= --secret= --no-cont --insecure $shared"
    fi
    local opt=$prev val=$cur
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*} val=${cur#*=}
    fi
    local prefix=
    [[ $cur == --*=* ]] && prefix="$opt="
    case $opt in
        -f|--format)
            mapfile -t COMPREPLY < <(compgen -P "$prefix" -W 'text json' -- "$val")
            return 0 ;;
        --vmsa-init)
            mapfile -t COMPREPLY < <(compgen -P "$prefix" -W 'init2 legacy' -- "$val")
            return 0 ;;
        --firmware|--tik|--tek|--tk|--qmp)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -P "$prefix" -f -- "$val")
            return 0 ;;
        --secret)
            if [[ $val == *=* ]]; then
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -P "$prefix${val%%=*}=" -f -- "${val#*=}")
            else
                mapfile -t COMPREPLY < <(compgen -P "$prefix" -W 'luks-key=' -- "$val")
                compopt -o nospace 2>/dev/null
            fi
            return 0 ;;
        --vcpu-family|--vcpu-model|--vcpu-stepping|--guest-features|--nonce|--api-major|--api-minor|--build-id)
            return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts -q -v -h" -- "$cur")
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
            compopt -o nospace 2>/dev/null
        return 0
    fi
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.[xX][mM][lL]' -- "$cur")
    return 0
}

_sevqemu()
{
    local cur prev i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

    local long_opts='--dry-run --exec --state-dir= --format= --quiet --verbose
        --emulator= --domcaps= --dh-cert= --session= --cgs --ignore-unsupported
        --probe --qmp= --paused --helper-wait= --network-bridge= --network-dir= --trust-xml --nvram-dir= --help --version'
    local short_opts='-n -x -d -f -q -v -h -V'
    local formats='shell args nul json'

    # With '=' in COMP_WORDBREAKS (bash's default), "--format=js" arrives
    # as the three words "--format" "=" "js".
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # "sevqemu policy [--snp] VALUE": only --snp to offer.
    if ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[1]} == policy ]]; then
        [[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W '--snp' -- "$cur")
        return 0
    fi

    if ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[1]} == measure || ${COMP_WORDS[1]} == attest ]]; then
        _sevqemu_sub "${COMP_WORDS[1]}" "$cur" "$prev"
        return 0
    fi

    # --opt=value in one word (when '=' does not break words).
    if [[ $cur == --*=* ]]; then
        local opt=${cur%%=*} val=${cur#*=}
        case $opt in
            --format)
                mapfile -t COMPREPLY < <(compgen -P "$opt=" -W "$formats" -- "$val") ;;
            --state-dir|--network-dir|--nvram-dir)
                mapfile -t COMPREPLY < <(compgen -P "$opt=" -d -- "$val") ;;
            --network-bridge)
                # NAME=BRIDGE: the host's bridges after the '='.
                if [[ $val == *=* ]]; then
                    local bridges
                    bridges=$(cd /sys/class/net 2>/dev/null && for b in */bridge; do echo "${b%/bridge}"; done)
                    mapfile -t COMPREPLY < <(compgen -P "$opt=${val%%=*}=" -W "$bridges" -- "${val#*=}")
                fi ;;
            --dh-cert|--session|--domcaps|--emulator|--qmp)
                mapfile -t COMPREPLY < <(compgen -P "$opt=" -f -- "$val") ;;
        esac
        return 0
    fi

    # After "--" only the domain XML can follow.
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.[xX][mM][lL]' -- "$cur")
            return 0
        fi
    done

    # The value of an option given as the next word.
    case $prev in
        -f|--format)
            mapfile -t COMPREPLY < <(compgen -W "$formats" -- "$cur")
            return 0 ;;
        --network-bridge)
            return 0 ;;
        -d|--state-dir|--network-dir|--nvram-dir)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return 0 ;;
        --helper-wait)
            return 0 ;;
        --dh-cert|--session|--domcaps|--emulator|--qmp)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return 0 ;;
    esac

    if [[ $cur == --* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$long_opts" -- "$cur")
        # No space after an option that takes "=value".
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
            compopt -o nospace 2>/dev/null
        return 0
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$short_opts $long_opts" -- "$cur")
        return 0
    fi

    # The domain XML: .xml files and directories to reach them; and the
    # policy, measure and attest commands as the first word.
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.[xX][mM][lL]' -- "$cur")
    if ((COMP_CWORD == 1)); then
        local sub
        for sub in policy measure attest; do
            [[ $sub == "$cur"* ]] && COMPREPLY+=("$sub")
        done
    fi
    return 0
}
complete -F _sevqemu sevqemu
